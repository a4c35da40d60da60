package auth

import (
	"strings"
	"testing"

	"fugong/internal/apperror"
)

func TestPasswordRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("正确的密码-correct")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("not argon2id: %s", h)
	}
	if !VerifyPassword(h, "正确的密码-correct") {
		t.Fatal("right password rejected")
	}
	if VerifyPassword(h, "正确的密码-correcT") {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("正确的密码-correct")
	if h2 == h {
		t.Fatal("same salt twice")
	}
}

func TestPasswordRejects(t *testing.T) {
	t.Parallel()
	if _, err := HashPassword("short"); apperror.CodeOf(err) != apperror.Invalid {
		t.Fatalf("short password: %v", err)
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2id$v=19$m=0,t=0,p=0$$", "$bcrypt$x$y$z$w"} {
		if VerifyPassword(bad, "anything-long") {
			t.Fatalf("malformed hash %q matched", bad)
		}
	}
	if VerifyAgainstDummy("whatever-long") {
		t.Fatal("dummy matched")
	}
}
