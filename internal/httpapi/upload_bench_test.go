package httpapi_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
	"fugong/internal/config"
	"fugong/internal/dedup"
	"fugong/internal/filetype"
	"fugong/internal/filing"
	"fugong/internal/httpapi"
	"fugong/internal/idempotency"
	"fugong/internal/pii"
	"fugong/internal/plans"
	"fugong/internal/registry"
	"fugong/internal/rules"
	"fugong/internal/ruleset"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// planUploadSize is the configured plan cap (uploads.plan_max_mb = 100).
const planUploadSize = 100 << 20

// heapGrowth is the peak growth of the heap while fn ran, above the level
// after a GC before it: alloc ≈ MemStats.HeapAlloc (live and not yet
// collected objects), inuse ≈ MemStats.HeapInuse (objects + free space in
// in-use spans). Sampled every millisecond through runtime/metrics, which
// does not stop the world.
type heapGrowth struct{ alloc, inuse uint64 }

func measureHeap(fn func()) heapGrowth {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	read := func(s []metrics.Sample) (alloc, inuse uint64) {
		metrics.Read(s)
		a, u := s[0].Value.Uint64(), s[1].Value.Uint64()
		return a, a + u
	}
	runtime.GC()
	baseA, baseI := read(samples)
	peakA, peakI := baseA, baseI
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				a, i := read(s)
				peakA, peakI = max(peakA, a), max(peakI, i)
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	a, i := read(samples)
	peakA, peakI = max(peakA, a), max(peakI, i)
	return heapGrowth{alloc: peakA - baseA, inuse: peakI - baseI}
}

// uploadRig is the full server (MariaDB + MinIO) on a real loopback
// listener, one enterprise account signed in, and an HTTP client that
// streams request bodies (nothing of the upload is held in memory on the
// client side: the body is read from a file in 64 KiB writes).
type uploadRig struct {
	srv    *httpapi.Server
	base   string
	db     *store.DB
	blob   *blob.MinIO
	client *http.Client
	cookie string
	csrf   string
	ent    store.Enterprise
	userID int64
}

func newUploadRig(b *testing.B) *uploadRig {
	b.Helper()
	ctx := context.Background()
	cfg := config.Default()
	db := storetest.MustOpen(b, "mysql")
	bs := blobtest.MustOpen(b, "minio").(*blob.MinIO)
	r := &uploadRig{db: db, blob: bs}

	rows := []store.Enterprise{{CreditCode: registry.MakeCreditCode(1), Name: "桂溪甲公司", Sector: "industrial", Zone: "south", Street: "guixi", Supervised: true}}
	if _, err := db.UpsertEnterprises(ctx, rows, false); err != nil {
		b.Fatal(err)
	}
	e, err := db.EnterpriseByCode(ctx, rows[0].CreditCode)
	if err != nil {
		b.Fatal(err)
	}
	r.ent = *e
	hash, _ := auth.HashPassword(testPassword)
	u := store.User{Username: "ent-guixi", Role: store.RoleEnterprise, EnterpriseID: &e.ID, Street: "guixi", PasswordHash: hash}
	if err := db.CreateUser(ctx, &u); err != nil {
		b.Fatal(err)
	}
	r.userID = u.ID

	engine := rules.NewEngine("../../rules", nil)
	if _, err := engine.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	keys, err := pii.ParseKeyring(pii.GenerateKey())
	if err != nil {
		b.Fatal(err)
	}
	dx, err := dedup.New(db, dedup.Options{})
	if err != nil {
		b.Fatal(err)
	}
	filings := filing.NewService(filing.Deps{DB: db, Blobs: bs, Keys: keys, Rules: engine, Dedup: dx, Areas: areas.Default(), Config: cfg})
	r.srv = httpapi.New(httpapi.Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), DB: db, Blob: bs,
		Auth: auth.NewService(db, cfg.Auth, time.Now), Registry: registry.New(db, nil), Rules: ruleset.New(engine, db, nil, nil, nil),
		Filings: filings, Idempotency: idempotency.New(db, nil)})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go r.srv.App().Listener(ln)
	b.Cleanup(func() { r.srv.Shutdown(5 * time.Second) })
	r.base = "http://" + ln.Addr().String()
	r.client = newStreamingClient()

	// Sign in.
	body, _ := json.Marshal(map[string]string{"username": "ent-guixi", "password": testPassword})
	resp, err := r.client.Post(r.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var lr struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&lr); err != nil || resp.StatusCode != 200 {
		b.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "fugong_session" {
			r.cookie = c.Value
		}
	}
	r.csrf = lr.CSRF
	return r
}

func newStreamingClient() *http.Client {
	return &http.Client{Transport: &http.Transport{WriteBufferSize: 64 << 10, ReadBufferSize: 64 << 10,
		DisableCompression: true, MaxIdleConnsPerHost: 4}}
}

// newFiling inserts a draft filing of the rig's enterprise.
func (r *uploadRig) newFiling(b *testing.B) int64 {
	b.Helper()
	f := &store.Filing{EnterpriseID: r.ent.ID, Street: r.ent.Street, Sector: r.ent.Sector, Status: store.StatusDraft, Version: 1, CreatedBy: r.userID}
	if err := r.db.CreateFiling(context.Background(), f); err != nil {
		b.Fatal(err)
	}
	return f.ID
}

// multipartStream returns a multipart/form-data body with one file field
// whose content is read from src as the request is sent, its exact length
// (so the request carries Content-Length, as a browser's does) and its
// content type.
func multipartStream(src io.Reader, size int64, filename string) (io.Reader, int64, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.CreateFormFile("file", filename)
	head := bytes.Clone(buf.Bytes())
	buf.Reset()
	mw.Close()
	tail := bytes.Clone(buf.Bytes())
	return io.MultiReader(bytes.NewReader(head), src, bytes.NewReader(tail)), int64(len(head)) + size + int64(len(tail)), mw.FormDataContentType()
}

// post streams a multipart upload of the file at path to url and returns
// the status and body of the answer.
func post(b *testing.B, client *http.Client, url, path string, hdr map[string]string) (int, []byte) {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	body, n, ct := multipartStream(struct{ io.Reader }{f}, st.Size(), filepath.Base(path))
	req, err := http.NewRequest("POST", url, body)
	if err != nil {
		b.Fatal(err)
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", ct)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// startSink listens on loopback and answers every HTTP request with 201
// after discarding its body: the client's own share of the heap and the
// loopback's speed, measured with the same client and body.
func startSink(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReaderSize(c, 64<<10)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					req.Body.Close()
					io.WriteString(c, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

// planBlock is 1 MiB of UTF-8 plan text made of whole lines, starting with
// 64 ASCII bytes that writeTXTPlan replaces with a unique first line.
var planBlock = func() []byte {
	var b bytes.Buffer
	b.WriteString(strings.Repeat("=", 63) + "\n")
	lines := []string{
		"一、复工准备：企业成立疫情防控工作领导小组，主要负责人为第一责任人，明确各部门职责分工。",
		"二、员工管理：建立全体员工健康档案，每日两次测温并登记，体温超过37.3℃者不得进入厂区。",
		"三、场所消毒：办公区、车间、食堂、宿舍每日消毒不少于两次，电梯按钮等公共部位每四小时一次。",
		"四、物资储备：储备口罩、消毒液、测温枪等防疫物资，满足不少于十五天的使用需要。",
		"五、应急处置：设置临时隔离观察点，发现疑似症状人员立即隔离并报告属地街道和卫生健康部门。",
	}
	for i := 0; b.Len() < 1<<20-512; i++ {
		fmt.Fprintf(&b, "%d. %s\n", i, lines[i%len(lines)])
	}
	for b.Len() < 1<<20-1 {
		b.WriteByte(' ')
	}
	b.WriteByte('\n')
	return b.Bytes()
}()

// writeTXTPlan writes a planUploadSize-byte UTF-8 text plan whose first line
// makes it unique (uploads are content addressed: the same bytes twice
// would skip the object store).
func writeTXTPlan(b *testing.B, dir string) string {
	p := filepath.Join(dir, "复工方案.txt")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	first := bytes.Clone(planBlock)
	head := fmt.Sprintf("复工方案 %d", time.Now().UnixNano())
	copy(first, head+strings.Repeat(" ", 63-len(head))+"\n")
	f.Write(first)
	for i := 1; i < planUploadSize/len(planBlock); i++ {
		f.Write(planBlock)
	}
	return p
}

// writeDOCXPlan writes a DOCX just under planUploadSize: about 1 MiB of
// document.xml (the text plans.Extract reads) and a stored, incompressible
// ~99 MiB image (word/media), which is what makes real plans large.
func writeDOCXPlan(b *testing.B, dir string) string {
	p := filepath.Join(dir, "复工方案.docx")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, line := range strings.Split(string(planBlock[64:]), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			doc.WriteString(`<w:p><w:r><w:t>` + line + `</w:t></w:r></w:p>`)
		}
	}
	doc.WriteString(`</w:body></w:document>`)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`},
		{"word/document.xml", doc.String()},
	}
	for _, pt := range parts {
		w, err := zw.Create(pt.name)
		if err != nil {
			b.Fatal(err)
		}
		io.WriteString(w, pt.body)
	}
	zw.Flush()
	bw.Flush()
	st, _ := f.Stat()
	// What is left for the image: the cap minus what is written, its local
	// header and data descriptor, and the central directory (generous).
	media := planUploadSize - st.Size() - 4096
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "word/media/image1.png", Method: zip.Store})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.NewChaCha8([32]byte(binary.LittleEndian.AppendUint64(make([]byte, 24), uint64(time.Now().UnixNano()))))
	buf := make([]byte, 1<<20)
	for left := media; left > 0; left -= int64(len(buf)) {
		rng.Read(buf)
		w.Write(buf[:min(int64(len(buf)), left)])
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if st, _ := f.Stat(); st.Size() > planUploadSize {
		b.Fatalf("docx is %d bytes, over the cap", st.Size())
	}
	return p
}

// BenchmarkPlanUpload (issue 4) uploads a 100 MiB plan through
// POST /api/v1/filings/:id/attachments?kind=plan on MariaDB + MinIO over a
// real loopback listener, and in the same iteration, with the same bytes
// from the same process, measures:
//
//   - putobject: minio-go PutObject (default options, size known, the file
//     as a plain stream), the baseline of the throughput goal;
//   - blob-put: blob.MinIO.Put, the store call the server makes;
//   - sink: the same HTTP client posting the same multipart body to a
//     loopback server that discards it (the client's heap share).
//
// ns/op is the API upload alone (request sent to response read).
//
//	source /tmp/fugong-services/env.sh   # or: source "$(scripts/services.sh env)"
//	go test ./internal/httpapi -run '^$' -bench BenchmarkPlanUpload -benchtime 1x -count 3 -benchmem
//
// Metrics: *-MB/s (MB = 10^6 bytes); x-putobject = API throughput /
// PutObject throughput (goal ≥ 0.8); heap-MiB = peak growth of heap
// objects (≈ HeapAlloc) during the request, process-wide (server + client);
// inuse-MiB the same for HeapInuse; sink-heap-MiB = the client's share;
// putobject-heap-MiB = PutObject's.
func BenchmarkPlanUpload(b *testing.B) {
	for _, kind := range []struct {
		name  string
		write func(*testing.B, string) string
	}{{"txt", writeTXTPlan}, {"docx", writeDOCXPlan}} {
		b.Run(kind.name+"/100MiB", func(b *testing.B) {
			r := newUploadRig(b)
			sink := startSink(b)
			ctx := context.Background()
			dir := b.TempDir()
			var apiT, rawT, blobT, sinkT time.Duration
			var apiH, rawH, sinkH heapGrowth
			var size int64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				path := kind.write(b, dir)
				st, _ := os.Stat(path)
				size = st.Size()
				filingID := r.newFiling(b)

				// Baseline: minio-go PutObject of the same bytes.
				h := measureHeap(func() {
					f, _ := os.Open(path)
					defer f.Close()
					start := time.Now()
					_, err := r.blob.Client().PutObject(ctx, r.blob.Bucket(), fmt.Sprintf("raw/%d", i), struct{ io.Reader }{f}, size,
						minio.PutObjectOptions{ContentType: "application/octet-stream"})
					rawT += time.Since(start)
					if err != nil {
						b.Fatal(err)
					}
				})
				rawH.alloc, rawH.inuse = max(rawH.alloc, h.alloc), max(rawH.inuse, h.inuse)

				// blob.Put, the store call inside the upload.
				func() {
					f, _ := os.Open(path)
					defer f.Close()
					start := time.Now()
					if _, err := r.blob.Put(ctx, fmt.Sprintf("blob/%d", i), struct{ io.Reader }{f}, size, "application/octet-stream"); err != nil {
						b.Fatal(err)
					}
					blobT += time.Since(start)
				}()

				// The client alone.
				h = measureHeap(func() {
					start := time.Now()
					if st, body := post(b, r.client, sink, path, nil); st != 201 {
						b.Fatalf("sink: %d %s", st, body)
					}
					sinkT += time.Since(start)
				})
				sinkH.alloc, sinkH.inuse = max(sinkH.alloc, h.alloc), max(sinkH.inuse, h.inuse)

				// The API upload.
				b.StartTimer()
				h = measureHeap(func() {
					start := time.Now()
					st, body := post(b, r.client, fmt.Sprintf("%s/api/v1/filings/%d/attachments?kind=plan", r.base, filingID), path,
						map[string]string{"Cookie": "fugong_session=" + r.cookie, "X-CSRF-Token": r.csrf})
					apiT += time.Since(start)
					var res struct {
						Size int64  `json:"size"`
						Note string `json:"note"`
					}
					json.Unmarshal(body, &res)
					if st != 201 || res.Size != size {
						b.Fatalf("upload: %d %.300s", st, body)
					}
				})
				b.StopTimer()
				apiH.alloc, apiH.inuse = max(apiH.alloc, h.alloc), max(apiH.inuse, h.inuse)
			}
			n := float64(b.N)
			mbps := func(d time.Duration) float64 { return float64(size) / 1e6 / (d.Seconds() / n) }
			b.ReportMetric(mbps(apiT), "api-MB/s")
			b.ReportMetric(mbps(rawT), "putobject-MB/s")
			b.ReportMetric(mbps(blobT), "blobput-MB/s")
			b.ReportMetric(mbps(sinkT), "sink-MB/s")
			b.ReportMetric(rawT.Seconds()/apiT.Seconds(), "x-putobject")
			b.ReportMetric(float64(apiH.alloc)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(apiH.inuse)/(1<<20), "inuse-MiB")
			b.ReportMetric(float64(sinkH.alloc)/(1<<20), "sink-heap-MiB")
			b.ReportMetric(float64(rawH.alloc)/(1<<20), "putobject-heap-MiB")
		})
	}
}

// BenchmarkTXTExtractPrefix is the evidence for the TXT finding in
// docs/benchmarks.md: plans.ExtractLimited on the whole 100 MiB text
// plan (what filing.Upload does today) next to the same call over the first
// MaxText+4 bytes only (what a bounded read would cost), same file, same run.
//
//	go test ./internal/httpapi -run '^$' -bench BenchmarkTXTExtractPrefix -benchtime 1x -count 3 -benchmem
func BenchmarkTXTExtractPrefix(b *testing.B) {
	path := writeTXTPlan(b, b.TempDir())
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	lim := plans.Limits{MaxSize: planUploadSize}
	for _, c := range []struct {
		name string
		size int64
	}{{"whole-100MiB", st.Size()}, {"prefix-4MiB", min(st.Size(), 4<<20+4)}} {
		b.Run(c.name, func(b *testing.B) {
			var peak heapGrowth
			var took time.Duration
			for i := 0; i < b.N; i++ {
				h := measureHeap(func() {
					start := time.Now()
					t, err := plans.ExtractLimited(context.Background(), filetype.TXT, f, c.size, lim)
					took += time.Since(start)
					if err != nil || len(t.Text) < 4<<20-8 {
						b.Fatalf("extract: %d bytes, %v", len(t.Text), err)
					}
				})
				peak.alloc = max(peak.alloc, h.alloc)
			}
			b.ReportMetric(took.Seconds()/float64(b.N), "s/extract")
			b.ReportMetric(float64(peak.alloc)/(1<<20), "heap-MiB")
		})
	}
}
