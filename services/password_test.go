package services_test

import (
	"context"
	"strings"
	"testing"

	"github.com/storefront/storefront/services"
)

func TestPasswordHasher(t *testing.T) {
	ctx := context.Background()
	h, err := services.NewPasswordHasher(services.OWASPArgon2)
	if err != nil {
		t.Fatal(err)
	}
	const pw = "correct horse battery staple 🐎"
	hash, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("EncodesParametersAndSalt", func(t *testing.T) {
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(hash, pw) {
			t.Fatalf("unexpected encoding %q", hash)
		}
		other, _ := h.Hash(ctx, pw)
		if other == hash {
			t.Fatal("two hashes of one password are equal: salt is not random")
		}
	})
	t.Run("Verify", func(t *testing.T) {
		if ok, rehash, err := h.Verify(ctx, pw, hash); !ok || rehash || err != nil {
			t.Fatalf("Verify(right) = %v, %v, %v", ok, rehash, err)
		}
		for _, wrong := range []string{"", pw[:len(pw)-1], pw + " ", strings.ToUpper(pw)} {
			if ok, _, _ := h.Verify(ctx, wrong, hash); ok {
				t.Fatalf("Verify(%q) accepted", wrong)
			}
		}
	})
	t.Run("NoTruncation", func(t *testing.T) {
		long := strings.Repeat("a", 100)
		lh, _ := h.Hash(ctx, long)
		if ok, _, _ := h.Verify(ctx, long[:72], lh); ok {
			t.Fatal("a 72-character prefix matched a 100-character password")
		}
	})
	t.Run("WeakerStoredParamsAskForRehash", func(t *testing.T) {
		weak := services.FastHasher(t)
		old, _ := weak.Hash(ctx, pw)
		if ok, rehash, _ := h.Verify(ctx, pw, old); !ok || !rehash {
			t.Fatalf("Verify(old params) = ok %v rehash %v; want true true", ok, rehash)
		}
	})
	t.Run("MalformedNeverVerifies", func(t *testing.T) {
		for _, bad := range []string{"", "!", "$argon2id$v=19$m=1,t=1,p=1$$", "$bcrypt$xyz", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5"} {
			if ok, _, err := h.Verify(ctx, pw, bad); ok || err != nil {
				t.Fatalf("Verify(%q) = %v, %v", bad, ok, err)
			}
		}
	})
}
