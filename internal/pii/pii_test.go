package pii

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fugong/internal/apperror"
)

func key(b byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, KeySize))
}

func mustRing(t testing.TB, s string) *Keyring {
	t.Helper()
	k, err := ParseKeyring(s)
	if err != nil {
		t.Fatalf("ParseKeyring(%q): %v", s, err)
	}
	return k
}

func TestParseKeyring(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		current string
		ids     []string
		wantErr bool
	}{
		{"bare", key(1), BareKeyID, []string{"0"}, false},
		{"bare with spaces", "  " + key(1) + "\n", BareKeyID, []string{"0"}, false},
		{"list", "k2:" + key(2) + ",k1:" + key(1), "k2", []string{"k2", "k1"}, false},
		{"list with index", "k2:" + key(2) + ",index:" + key(9) + ",k1:" + key(1), "k2", []string{"k2", "k1"}, false},
		{"empty", "", "", nil, true},
		{"short key", base64.StdEncoding.EncodeToString([]byte("short")), "", nil, true},
		{"not base64", "!!!notbase64!!!", "", nil, true},
		{"missing id in list", key(1) + "," + "k1:" + key(2), "", nil, true},
		{"duplicate id", "a:" + key(1) + ",a:" + key(2), "", nil, true},
		{"bad id", "a b:" + key(1), "", nil, true},
		{"only index", "index:" + key(1), "", nil, true},
		{"duplicate index", "k:" + key(1) + ",index:" + key(2) + ",index:" + key(3), "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKeyring(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want error")
				}
				if apperror.CodeOf(err) != apperror.Invalid {
					t.Fatalf("code = %s, want invalid", apperror.CodeOf(err))
				}
				if strings.Contains(err.Error(), key(2)) || strings.Contains(err.Error(), key(1)) {
					t.Fatalf("error leaks key material: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.CurrentKeyID() != tt.current {
				t.Errorf("current = %q, want %q", k.CurrentKeyID(), tt.current)
			}
			if fmt.Sprint(k.KeyIDs()) != fmt.Sprint(tt.ids) {
				t.Errorf("ids = %v, want %v", k.KeyIDs(), tt.ids)
			}
		})
	}
}

func TestEncryptDecrypt(t *testing.T) {
	t.Parallel()
	old := mustRing(t, key(1))
	rotated := mustRing(t, "k2:"+key(2)+","+BareKeyID+":"+key(1))
	otherSameID := mustRing(t, key(7)) // id "0" but another key
	withoutOld := mustRing(t, "k2:"+key(2))

	id := []byte("51010419900307123X")
	aad := []byte("roster_rows/42/id_number")

	ctOld, err := old.Encrypt(id, aad)
	if err != nil {
		t.Fatal(err)
	}
	ctNew, err := rotated.Encrypt(id, aad)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ctOld, id) {
		t.Fatal("ciphertext contains the plaintext")
	}
	ct2, _ := old.Encrypt(id, aad)
	if bytes.Equal(ctOld, ct2) {
		t.Fatal("two encryptions are equal: nonce not random")
	}

	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 1
		return c
	}
	tests := []struct {
		name string
		ring *Keyring
		ct   []byte
		aad  []byte
		want error // nil = success
	}{
		{"same ring", old, ctOld, aad, nil},
		{"rotation: old data with new ring", rotated, ctOld, aad, nil},
		{"new data with new ring", rotated, ctNew, aad, nil},
		{"new data without its key", old, ctNew, aad, ErrUnknownKey},
		{"old data after old key removed", withoutOld, ctOld, aad, ErrUnknownKey},
		{"same id other key", otherSameID, ctOld, aad, ErrTampered},
		{"wrong aad", old, ctOld, []byte("roster_rows/43/id_number"), ErrTampered},
		{"missing aad", old, ctOld, nil, ErrTampered},
		{"flipped last byte (tag)", old, flip(ctOld, len(ctOld)-1), aad, ErrTampered},
		{"flipped body byte", old, flip(ctOld, len(ctOld)-20), aad, ErrTampered},
		{"flipped nonce byte", old, flip(ctOld, 4), aad, ErrTampered},
		{"truncated", old, ctOld[:len(ctOld)-1], aad, ErrTampered},
		{"too short", old, ctOld[:10], aad, ErrMalformed},
		{"empty", old, nil, aad, ErrMalformed},
		{"bad version", old, flip(ctOld, 0), aad, ErrMalformed},
		{"id length lies", old, func() []byte { c := bytes.Clone(ctOld); c[1] = 200; return c }(), aad, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, err := tt.ring.Decrypt(tt.ct, tt.aad)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(pt, id) {
					t.Fatalf("plaintext = %q", pt)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if apperror.As(err) == nil {
				t.Fatalf("err %v is not an *apperror.Error", err)
			}
		})
	}
}

func TestEncryptEmptyPlaintext(t *testing.T) {
	t.Parallel()
	k := mustRing(t, key(3))
	ct, err := k.Encrypt(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := k.Decrypt(ct, nil)
	if err != nil || len(pt) != 0 {
		t.Fatalf("pt=%q err=%v", pt, err)
	}
}

func TestBlindIndex(t *testing.T) {
	t.Parallel()
	first := mustRing(t, key(1))
	rotated := mustRing(t, "k2:"+key(2)+",0:"+key(1))
	explicit := mustRing(t, "k3:"+key(3)+",index:"+key(1))
	other := mustRing(t, key(2))

	v := "51010419900307123x"
	bi := first.BlindIndex(v)
	if len(bi) != 64 || strings.Trim(bi, "0123456789abcdef") != "" {
		t.Fatalf("not 64 hex chars: %q", bi)
	}
	tests := []struct {
		name string
		got  string
		same bool
	}{
		{"deterministic", first.BlindIndex(v), true},
		{"case and space insensitive", first.BlindIndex(" 51010419900307123X "), true},
		{"survives rotation (oldest last)", rotated.BlindIndex(v), true},
		{"explicit index entry", explicit.BlindIndex(v), true},
		{"other index key differs", other.BlindIndex(v), false},
		{"other value differs", first.BlindIndex("51010419900307124X"), false},
	}
	for _, tt := range tests {
		if (tt.got == bi) != tt.same {
			t.Errorf("%s: got %s, base %s, want same=%v", tt.name, tt.got, bi, tt.same)
		}
	}
	if strings.Contains(bi, "5101") {
		t.Error("index looks like it contains the value")
	}
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	a, b := GenerateKey(), GenerateKey()
	if a == b {
		t.Fatal("two generated keys are equal")
	}
	raw, err := base64.StdEncoding.DecodeString(a)
	if err != nil || len(raw) != KeySize {
		t.Fatalf("bad key %q: %v", a, err)
	}
	if _, err := ParseKeyring(a); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "keys")
	path := filepath.Join(dir, "data.key")

	k1, created, err := LoadOrCreateKeyFile(path)
	if err != nil || !created {
		t.Fatalf("first call: created=%v err=%v", created, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v, want 0600", st.Mode().Perm())
	}
	dst, _ := os.Stat(dir)
	if dst.Mode().Perm() != 0o700 {
		t.Errorf("dir mode = %v, want 0700", dst.Mode().Perm())
	}
	k2, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created || k2 != k1 {
		t.Fatalf("second call: key same=%v created=%v err=%v", k1 == k2, created, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}

	bad := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	if _, _, err := LoadOrCreateKeyFile(bad); apperror.CodeOf(err) != apperror.Invalid {
		t.Fatalf("bad file: err = %v", err)
	}
}

func TestLoadOrCreateKeyFileConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k", "data.key")
	const n = 8
	keys := make([]string, n)
	createdCount := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, c, err := LoadOrCreateKeyFile(path)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			keys[i] = k
			if c {
				createdCount++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if createdCount != 1 {
		t.Errorf("created %d times, want 1", createdCount)
	}
	for _, k := range keys {
		if k != keys[0] {
			t.Fatal("replicas got different keys")
		}
	}
}

func TestMaskID(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"510104199003071234", "510***********1234"},
		{"51010419900307123X", "510***********123X"},
		{" 510104199003071234 ", "510***********1234"},
		{"510104900307123", "510********7123"},
		{"12345678", "********"},
		{"1234", "****"},
		{"", ""},
		{"\xff\xfe\xfd", "***"},
		{"五一〇一〇四一九九〇〇三〇七一二三四", "五一〇***********一二三四"},
	}
	for _, tt := range tests {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"028-85551234", "028*****1234"},
		{"+8613812345678", "+86*******5678"},
		{"5551234", "*******"},
		{"1", "*"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"张三", "张*"},
		{"张三丰", "张**"},
		{"欧阳娜娜", "欧阳**"},
		{"欧阳娜", "欧阳*"},
		{"欧阳", "欧*"},
		{"张", "*"},
		{"", ""},
		{" 李四 ", "李*"},
		{"John Smith", "J*********"},
		{"\xff\xfe", "**"},
	}
	for _, tt := range tests {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"510104199003071234", "13812345678", "欧阳娜娜", "", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range []string{MaskID(s), MaskPhone(s), MaskName(s), Secret(s).Mask()} {
			// A mask never has more non-'*' characters than the pattern keeps.
			if kept := len([]rune(strings.ReplaceAll(m, "*", ""))); kept > 7 {
				t.Fatalf("mask %q of %q keeps %d characters", m, s, kept)
			}
		}
	})
}

func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	const raw = "51010419900307123X"
	const phone = "13812345678"
	type row struct {
		Name  Secret `json:"name"`
		ID    Secret `json:"id_number"`
		Phone Secret `json:"phone"`
	}
	r := row{Name: "王小明", ID: raw, Phone: phone}

	var buf bytes.Buffer
	for _, h := range []slog.Handler{
		slog.NewTextHandler(&buf, nil),
		slog.NewJSONHandler(&buf, nil),
	} {
		l := slog.New(h)
		l.Info("roster row", "id", Secret(raw), "phone", Secret(phone), "name", Secret("王小明"))
		l.Info("row struct", "row", r, "ptr", &r)
		l.Info("group", slog.Group("g", slog.Any("id", Secret(raw))))
		l.With("id", Secret(raw)).Warn("with")
	}
	buf.WriteString(fmt.Sprintf("%v %+v %#v %s %q %x %d", r, r, r, r.ID, r.ID, r.ID, r.ID))
	buf.WriteString(fmt.Sprint(Secret(raw), []Secret{Secret(raw)}, map[string]Secret{"k": Secret(raw)}))
	j, err := json.Marshal(map[string]any{"row": r, "list": []Secret{Secret(raw)}})
	if err != nil {
		t.Fatal(err)
	}
	buf.Write(j)
	err = fmt.Errorf("lookup %v failed", Secret(raw))
	buf.WriteString(err.Error())

	out := buf.String()
	for _, secret := range []string{raw, phone, "王小明", "小明", "0419900307"} {
		if strings.Contains(out, secret) {
			t.Fatalf("output contains %q:\n%s", secret, out)
		}
	}
	for _, mask := range []string{"510***********123X", "138****5678"} {
		if !strings.Contains(out, mask) {
			t.Errorf("output lacks mask %q:\n%s", mask, out)
		}
	}
	if Secret(raw).Reveal() != raw {
		t.Error("Reveal lost the value")
	}
}

// idPlain is an 18-byte ID number, the size that benchmarks measure.
var idPlain = []byte("51010419900307123X")

func BenchmarkEncryptID(b *testing.B) {
	k := mustRing(b, key(1))
	aad := []byte("roster_rows/42")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Encrypt(idPlain, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptID(b *testing.B) {
	k := mustRing(b, key(1))
	aad := []byte("roster_rows/42")
	ct, _ := k.Encrypt(idPlain, aad)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Decrypt(ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineSeal is raw AES-256-GCM Seal with a fixed nonce into a
// reused buffer: the floor that Encrypt's ratio is measured against.
func BenchmarkBaselineSeal(b *testing.B) {
	block, _ := aes.NewCipher(bytes.Repeat([]byte{1}, KeySize))
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, nonceSize)
	aad := []byte("roster_rows/42")
	dst := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		dst = aead.Seal(dst[:0], nonce, idPlain, aad)
	}
}

// BenchmarkBaselineOpen is raw AES-256-GCM Open into a reused buffer.
func BenchmarkBaselineOpen(b *testing.B) {
	block, _ := aes.NewCipher(bytes.Repeat([]byte{1}, KeySize))
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, nonceSize)
	aad := []byte("roster_rows/42")
	ct := aead.Seal(nil, nonce, idPlain, aad)
	dst := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if dst, err = aead.Open(dst[:0], nonce, ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}
