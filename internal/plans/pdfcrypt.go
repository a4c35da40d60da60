package plans

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
)

// PDF standard security handler (ISO 32000-1 §7.6.3, ISO 32000-2 §7.6.4),
// read side only, for the empty user password: what "protect from editing"
// exports produce (an owner password restricts printing or copying, the
// file opens without a password). Revisions 2–4 (RC4 40–128 bit, AES-128)
// and 5–6 (AES-256).

// pdfPadding is the 32-byte password padding of Algorithm 2.
var pdfPadding = []byte{0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A}

// errNeedsPassword means the file does not open with the empty password.
var errNeedsPassword = errors.New("plans: the PDF needs a password to open")

// errUnsupportedCrypt means a security handler other than the standard one.
var errUnsupportedCrypt = errors.New("plans: unsupported PDF security handler")

// pdfCrypt decrypts the strings and streams of one file.
type pdfCrypt struct {
	key     []byte
	aes     bool // AES-CBC (else RC4)
	v5      bool // AES-256: the file key is used as is
	streams bool // streams are encrypted (StmF is not Identity)
}

// newPDFCrypt derives the file key from the /Encrypt dictionary enc and the
// first /ID string, for the empty user password.
func newPDFCrypt(d *pdfDoc, enc pdfDict, id0 []byte) (*pdfCrypt, error) {
	if f, _ := d.resolve(enc["Filter"]).(pdfName); f != "Standard" {
		return nil, errUnsupportedCrypt
	}
	num := func(k pdfName) int { n, _ := d.resolve(enc[k]).(float64); return int(n) }
	str := func(k pdfName) []byte { s, _ := d.resolve(enc[k]).(pdfString); return []byte(s) }
	v, r := num("V"), num("R")
	c := &pdfCrypt{streams: true}
	if v == 4 || v == 5 {
		stmf, _ := d.resolve(enc["StmF"]).(pdfName)
		if stmf == "" || stmf == "Identity" {
			c.streams = false
		}
		if cf := d.dict(d.dict(enc["CF"])[stmf]); cf != nil {
			switch m, _ := d.resolve(cf["CFM"]).(pdfName); m {
			case "AESV2", "AESV3":
				c.aes = true
			case "None":
				c.streams = false
			}
		}
	}
	o, u := str("O"), str("U")
	if r >= 5 {
		if len(u) < 48 || len(str("UE")) < 32 {
			return nil, errNeedsPassword
		}
		var check, inter []byte
		if r == 5 {
			h := sha256.Sum256(u[32:40])
			check = h[:]
			h2 := sha256.Sum256(u[40:48])
			inter = h2[:]
		} else {
			check = hash2B(nil, u[32:40], nil)
			inter = hash2B(nil, u[40:48], nil)
		}
		if !bytes.Equal(check, u[:32]) {
			return nil, errNeedsPassword
		}
		block, err := aes.NewCipher(inter)
		if err != nil {
			return nil, err
		}
		key := make([]byte, 32)
		cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(key, str("UE")[:32])
		c.key, c.aes, c.v5 = key, true, true
		return c, nil
	}
	if len(o) < 32 || len(u) < 16 {
		return nil, errNeedsPassword
	}
	n := 5
	if r >= 3 {
		n = num("Length") / 8
		if n < 5 || n > 16 {
			n = 16
		}
	}
	h := md5.New()
	h.Write(pdfPadding)
	h.Write(o[:32])
	var p [4]byte
	binary.LittleEndian.PutUint32(p[:], uint32(int32(num("P"))))
	h.Write(p[:])
	h.Write(id0)
	if r >= 4 && d.resolve(enc["EncryptMetadata"]) == pdfKeyword("false") {
		h.Write([]byte{0xFF, 0xFF, 0xFF, 0xFF})
	}
	key := h.Sum(nil)
	if r >= 3 {
		for i := 0; i < 50; i++ {
			s := md5.Sum(key[:n])
			key = s[:]
		}
	}
	key = key[:n]
	// Check the key against /U (Algorithms 4 and 5).
	if r == 2 {
		got := make([]byte, 32)
		rc, _ := rc4.NewCipher(key)
		rc.XORKeyStream(got, pdfPadding)
		if !bytes.Equal(got, u[:32]) {
			return nil, errNeedsPassword
		}
	} else {
		s := md5.New()
		s.Write(pdfPadding)
		s.Write(id0)
		got := s.Sum(nil)
		k := make([]byte, len(key))
		for i := 0; i < 20; i++ {
			for j := range key {
				k[j] = key[j] ^ byte(i)
			}
			rc, _ := rc4.NewCipher(k)
			rc.XORKeyStream(got, got)
		}
		if !bytes.Equal(got[:16], u[:16]) {
			return nil, errNeedsPassword
		}
	}
	c.key = key
	return c, nil
}

// hash2B is Algorithm 2.B of ISO 32000-2 (revision 6).
func hash2B(pw, salt, udata []byte) []byte {
	h := sha256.New()
	h.Write(pw)
	h.Write(salt)
	h.Write(udata)
	k := h.Sum(nil)
	var e []byte
	for i := 0; i < 64 || int(e[len(e)-1]) > i-32; i++ {
		seq := append(append(append([]byte{}, pw...), k...), udata...)
		k1 := bytes.Repeat(seq, 64)
		block, _ := aes.NewCipher(k[:16])
		e = make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, b := range e[:16] {
			sum += int(b)
		}
		switch sum % 3 {
		case 0:
			s := sha256.Sum256(e)
			k = s[:]
		case 1:
			s := sha512.Sum384(e)
			k = s[:]
		default:
			s := sha512.Sum512(e)
			k = s[:]
		}
	}
	return k[:32]
}

// decrypt returns data of object num/gen decrypted (Algorithm 1), or nil
// when it cannot be (a broken AES block).
func (c *pdfCrypt) decrypt(num, gen int, data []byte) []byte {
	key := c.key
	if !c.v5 {
		h := md5.New()
		h.Write(c.key)
		h.Write([]byte{byte(num), byte(num >> 8), byte(num >> 16), byte(gen), byte(gen >> 8)})
		if c.aes {
			h.Write([]byte("sAlT"))
		}
		key = h.Sum(nil)[:min(len(c.key)+5, 16)]
	}
	if !c.aes {
		out := make([]byte, len(data))
		rc, err := rc4.NewCipher(key)
		if err != nil {
			return nil
		}
		rc.XORKeyStream(out, data)
		return out
	}
	if len(data) < 32 || len(data)%16 != 0 {
		return nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil
	}
	out := make([]byte, len(data)-16)
	cipher.NewCBCDecrypter(block, data[:16]).CryptBlocks(out, data[16:])
	if p := int(out[len(out)-1]); p >= 1 && p <= 16 && p <= len(out) {
		out = out[:len(out)-p]
	}
	return out
}
