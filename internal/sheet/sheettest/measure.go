package sheettest

import (
	"encoding/csv"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// PeakHeap samples live heap objects every millisecond while fn runs and
// returns the peak above the level before it (after a GC), in bytes. It
// uses runtime/metrics, which does not stop the world.
func PeakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	peak := base
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				metrics.Read(s)
				peak = max(peak, s[0].Value.Uint64())
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	metrics.Read(sample)
	peak = max(peak, sample[0].Value.Uint64())
	return peak - base
}

// RawCSVRead reads the CSV at path with encoding/csv (ReuseRecord) and
// nothing else: the baseline benchmarks compare against. It returns the
// records read and the time taken, or the read error.
func RawCSVRead(path string) (int, time.Duration, error) {
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n, time.Since(start), nil
		}
		if err != nil {
			return n, 0, err
		}
		n++
	}
}
