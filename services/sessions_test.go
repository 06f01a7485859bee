package services

import (
	"context"
	"encoding/base64"
	"testing"
	"time"
)

func TestSessions(t *testing.T) {
	for name, kv := range KVs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clock := time.Unix(1_800_000_000, 0)
			store := NewSessions(kv, 30*time.Minute, 12*time.Hour)
			store.now = func() time.Time { return clock }

			t.Run("NewSaveLoad", func(t *testing.T) {
				sess := store.New()
				if raw, err := base64.RawURLEncoding.DecodeString(sess.ID); err != nil || len(raw) < 16 {
					t.Fatalf("id %q is not >=128 random bits", sess.ID)
				}
				if sess.CSRFToken == "" || sess.CSRFToken == sess.ID {
					t.Fatalf("bad CSRF token %q", sess.CSRFToken)
				}
				sess.AfterLogin = "/account?tab=products"
				if err := store.Save(ctx, sess); err != nil {
					t.Fatal(err)
				}
				got, err := store.Load(ctx, sess.ID)
				if err != nil || got == nil || got.CSRFToken != sess.CSRFToken || got.AfterLogin != sess.AfterLogin {
					t.Fatalf("Load = %+v, %v", got, err)
				}
			})

			t.Run("ClientMadeIDsAreNotAdopted", func(t *testing.T) {
				for _, id := range []string{"", "attacker", "../../etc", randomToken()} {
					if got, err := store.Load(ctx, id); got != nil || err != nil {
						t.Fatalf("Load(%q) = %+v, %v; want no session", id, got, err)
					}
				}
			})

			t.Run("IdleTimeout", func(t *testing.T) {
				sess := store.New()
				if err := store.Save(ctx, sess); err != nil {
					t.Fatal(err)
				}
				clock = clock.Add(29 * time.Minute)
				got, _ := store.Load(ctx, sess.ID)
				if got == nil {
					t.Fatal("session gone before its idle timeout")
				}
				if err := store.Touch(ctx, got); err != nil {
					t.Fatal(err)
				}
				clock = clock.Add(29 * time.Minute) // 58 minutes old, 29 idle: still alive thanks to Touch
				if got, _ := store.Load(ctx, sess.ID); got == nil {
					t.Fatal("touched session expired early")
				}
				clock = clock.Add(31 * time.Minute)
				if got, _ := store.Load(ctx, sess.ID); got != nil {
					t.Fatal("session outlived its idle timeout")
				}
			})

			t.Run("AbsoluteLifetime", func(t *testing.T) {
				sess := store.New()
				if err := store.Save(ctx, sess); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < 12*60/20; i++ { // busy all day: a request every 20 minutes
					clock = clock.Add(20 * time.Minute)
					got, _ := store.Load(ctx, sess.ID)
					if got == nil {
						if i < 12*60/20-1 {
							t.Fatalf("active session ended after %d minutes", (i+1)*20)
						}
						return
					}
					if err := store.Save(ctx, got); err != nil {
						t.Fatal(err)
					}
				}
				clock = clock.Add(20 * time.Minute)
				if got, _ := store.Load(ctx, sess.ID); got != nil {
					t.Fatal("session outlived its absolute lifetime")
				}
			})

			t.Run("SignInRotatesIDAndToken", func(t *testing.T) {
				guest := store.New()
				if !guest.RememberAfterLogin("/products/new") {
					t.Fatal("a local path was refused")
				}
				if err := store.Save(ctx, guest); err != nil {
					t.Fatal(err)
				}
				sess, next, err := store.SignIn(ctx, guest, 7, "u@example.com")
				if err != nil {
					t.Fatal(err)
				}
				if sess.ID == guest.ID || sess.CSRFToken == guest.CSRFToken {
					t.Fatal("id or CSRF token survived login")
				}
				if next != "/products/new" || !sess.SignedIn() || sess.AfterLogin != "" {
					t.Fatalf("next %q, session %+v", next, sess)
				}
				if old, _ := store.Load(ctx, guest.ID); old != nil {
					t.Fatal("pre-login session id still works")
				}
				if got, _ := store.Load(ctx, sess.ID); got == nil || got.UserID != 7 {
					t.Fatalf("new session not stored: %+v", got)
				}
			})

			t.Run("AfterLoginJudgedAgainOnUse", func(t *testing.T) {
				guest := store.New()
				guest.AfterLogin = "//evil.example" // as if stored by an older, laxer version
				if err := store.Save(ctx, guest); err != nil {
					t.Fatal(err)
				}
				_, next, err := store.SignIn(ctx, guest, 8, "v@example.com")
				if err != nil || next != "" {
					t.Fatalf("next = %q, %v; want it refused", next, err)
				}
				if guest.RememberAfterLogin("https://evil.example/") {
					t.Fatal("an absolute URL was remembered")
				}
			})

			t.Run("Destroy", func(t *testing.T) {
				sess := store.New()
				_ = store.Save(ctx, sess)
				if err := store.Destroy(ctx, sess.ID); err != nil {
					t.Fatal(err)
				}
				if got, _ := store.Load(ctx, sess.ID); got != nil {
					t.Fatal("destroyed session still loads")
				}
			})
		})
	}
}
