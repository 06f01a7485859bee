package services

import (
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"
)

// sessionsOn returns the service over store with a clock the test moves; the
// memory store follows the same clock (Redis keeps its own, with TTLs far longer
// than any test).
func sessionsOn(store SessionStore, clock *time.Time) *Sessions {
	now := func() time.Time { return *clock }
	if m, ok := store.(*MemorySessionStore); ok {
		m.now = now
	}
	s := NewSessions(store, 30*time.Minute, 12*time.Hour)
	s.now = now
	return s
}

func TestSessions(t *testing.T) {
	for name, store := range SessionStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clock := time.Unix(1_800_000_000, 0)
			sessions := sessionsOn(store, &clock)
			signIn := func(userID int64) *Session {
				t.Helper()
				sess, err := sessions.SignIn(ctx, nil, userID, "u@example.com", ClientInfo{})
				if err != nil {
					t.Fatal(err)
				}
				return sess
			}

			t.Run("SignInLoad", func(t *testing.T) {
				sess, err := sessions.SignIn(ctx, nil, 7, "u@example.com",
					ClientInfo{UserAgent: "Mozilla/5.0 (X11; Linux)\x00\n" + strings.Repeat("x", 500), IP: "203.0.113.77"})
				if err != nil {
					t.Fatal(err)
				}
				if raw, err := base64.RawURLEncoding.DecodeString(sess.ID); err != nil || len(raw) < 16 {
					t.Fatalf("id %q is not >=128 random bits", sess.ID)
				}
				if sess.CSRFToken == "" || sess.CSRFToken == sess.ID {
					t.Fatalf("bad CSRF token %q", sess.CSRFToken)
				}
				got, err := sessions.Load(ctx, sess.ID)
				if err != nil || got == nil || got.UserID != 7 || got.Email != "u@example.com" || got.CSRFToken != sess.CSRFToken {
					t.Fatalf("Load = %+v, %v", got, err)
				}
				if got.Network != "203.0.113.0/24" {
					t.Errorf("network %q, want the /24", got.Network)
				}
				if !strings.HasPrefix(got.UserAgent, "Mozilla/5.0 (X11; Linux)xxx") || len([]rune(got.UserAgent)) != maxUserAgent {
					t.Errorf("user agent %q: want it without controls, %d characters", got.UserAgent, maxUserAgent)
				}
			})

			t.Run("SignInRotatesIDAndToken", func(t *testing.T) {
				old := signIn(7)
				sess, err := sessions.SignIn(ctx, old, 8, "v@example.com", ClientInfo{})
				if err != nil {
					t.Fatal(err)
				}
				if sess.ID == old.ID || sess.CSRFToken == old.CSRFToken {
					t.Fatal("id or CSRF token survived login")
				}
				if got, _ := sessions.Load(ctx, old.ID); got != nil {
					t.Fatal("the session replaced at login still works")
				}
				if got, _ := sessions.Load(ctx, sess.ID); got == nil || got.UserID != 8 {
					t.Fatalf("new session not stored: %+v", got)
				}
			})

			t.Run("ClientMadeIDsAreNotAdopted", func(t *testing.T) {
				for _, id := range []string{"", "attacker", "../../etc", NewToken()} {
					if got, err := sessions.Load(ctx, id); got != nil || err != nil {
						t.Fatalf("Load(%q) = %+v, %v; want no session", id, got, err)
					}
				}
			})

			t.Run("GuestRecordsOfAnOlderVersionAreNoSession", func(t *testing.T) {
				id := NewToken()
				if err := store.Create(ctx, 0, id, []byte(`{"csrf":"x","next":"/account","created":1,"seen":1}`), time.Minute); err != nil {
					t.Fatal(err)
				}
				if got, err := sessions.Load(ctx, id); got != nil || err != nil {
					t.Fatalf("Load(pre-session) = %+v, %v; want no session", got, err)
				}
			})

			t.Run("IdleTimeout", func(t *testing.T) {
				sess := signIn(7)
				clock = clock.Add(29 * time.Minute)
				got, _ := sessions.Load(ctx, sess.ID)
				if got == nil {
					t.Fatal("session gone before its idle timeout")
				}
				if alive, err := sessions.Touch(ctx, got); !alive || err != nil {
					t.Fatalf("Touch = %v, %v", alive, err)
				}
				clock = clock.Add(29 * time.Minute) // 58 minutes old, 29 idle: still alive thanks to Touch
				if got, _ := sessions.Load(ctx, sess.ID); got == nil {
					t.Fatal("touched session expired early")
				}
				clock = clock.Add(31 * time.Minute)
				if got, _ := sessions.Load(ctx, sess.ID); got != nil {
					t.Fatal("session outlived its idle timeout")
				}
			})

			t.Run("AbsoluteLifetime", func(t *testing.T) {
				sess := signIn(7)
				for i := 0; i < 12*60/20; i++ { // busy all day: a request every 20 minutes
					clock = clock.Add(20 * time.Minute)
					got, _ := sessions.Load(ctx, sess.ID)
					if got == nil {
						if i < 12*60/20-1 {
							t.Fatalf("active session ended after %d minutes", (i+1)*20)
						}
						return
					}
					if _, err := sessions.Touch(ctx, got); err != nil {
						t.Fatal(err)
					}
				}
				clock = clock.Add(20 * time.Minute)
				if got, _ := sessions.Load(ctx, sess.ID); got != nil {
					t.Fatal("session outlived its absolute lifetime")
				}
			})

			t.Run("TouchWritesAtMostOncePerInterval", func(t *testing.T) {
				sess := signIn(7)
				clock = clock.Add(30 * time.Second)
				got, _ := sessions.Load(ctx, sess.ID)
				if alive, err := sessions.Touch(ctx, got); !alive || err != nil {
					t.Fatalf("Touch = %v, %v", alive, err)
				}
				if again, _ := sessions.Load(ctx, sess.ID); again.LastSeen != sess.LastSeen {
					t.Fatal("Touch wrote within a minute of the last write")
				}
				clock = clock.Add(31 * time.Second)
				if _, err := sessions.Touch(ctx, got); err != nil {
					t.Fatal(err)
				}
				if again, _ := sessions.Load(ctx, sess.ID); again.LastSeen != clock.Unix() {
					t.Fatalf("Touch a minute later did not write (seen %d, now %d)", again.LastSeen, clock.Unix())
				}
			})

			// Issue 8, item 6: a touch that was due when the session was loaded
			// must not bring it back after a logout landed in between.
			t.Run("TouchNeverRecreatesAnEndedSession", func(t *testing.T) {
				for _, end := range []struct {
					name string
					do   func(*Session) error
				}{
					{"logout", func(s *Session) error { return sessions.Destroy(ctx, s) }},
					{"sign out everywhere", func(s *Session) error {
						_, err := sessions.DestroyAllForUser(ctx, s.UserID, "")
						return err
					}},
				} {
					sess := signIn(9)
					clock = clock.Add(2 * time.Minute) // a touch is due
					loaded, _ := sessions.Load(ctx, sess.ID)
					if loaded == nil {
						t.Fatal("session not loaded")
					}
					if err := end.do(sess); err != nil {
						t.Fatal(err)
					}
					alive, err := sessions.Touch(ctx, loaded)
					if alive || err != nil {
						t.Fatalf("%s, then Touch = %v, %v; want false", end.name, alive, err)
					}
					if got, _ := sessions.Load(ctx, sess.ID); got != nil {
						t.Fatalf("%s, then Touch: the session is back", end.name)
					}
					if list, _ := sessions.ListForUser(ctx, 9); len(list) != 0 {
						t.Fatalf("%s, then Touch: the index lists %d sessions", end.name, len(list))
					}
				}
			})

			t.Run("DestroyAllForUser", func(t *testing.T) {
				const alice, bob = 21, 22
				a1, a2, a3 := signIn(alice), signIn(alice), signIn(alice)
				b1 := signIn(bob)
				n, err := sessions.DestroyAllForUser(ctx, alice, a2.ID)
				if n != 2 || err != nil {
					t.Fatalf("DestroyAllForUser(except one) = %d, %v; want 2", n, err)
				}
				for _, s := range []*Session{a1, a3} {
					if got, _ := sessions.Load(ctx, s.ID); got != nil {
						t.Fatal("an ended session still loads")
					}
				}
				for _, s := range []*Session{a2, b1} {
					if got, _ := sessions.Load(ctx, s.ID); got == nil {
						t.Fatal("a kept session (or another user's) ended")
					}
				}
				if n, err := sessions.DestroyAllForUser(ctx, alice, ""); n != 1 || err != nil {
					t.Fatalf("DestroyAllForUser(all) = %d, %v; want 1", n, err)
				}
				if got, _ := sessions.Load(ctx, a2.ID); got != nil {
					t.Fatal("sign out everywhere kept a session")
				}
			})

			t.Run("ListForUser", func(t *testing.T) {
				const carol = 31
				first, err := sessions.SignIn(ctx, nil, carol, "c@example.com", ClientInfo{UserAgent: "Phone", IP: "2001:db8:1234:5678::1"})
				if err != nil {
					t.Fatal(err)
				}
				clock = clock.Add(10 * time.Second)
				second, err := sessions.SignIn(ctx, nil, carol, "c@example.com", ClientInfo{UserAgent: "Laptop", IP: "::ffff:198.51.100.9"})
				if err != nil {
					t.Fatal(err)
				}
				list, err := sessions.ListForUser(ctx, carol)
				if err != nil || len(list) != 2 {
					t.Fatalf("ListForUser = %+v, %v", list, err)
				}
				if list[0].Ref != second.Ref() || list[0].UserAgent != "Laptop" || list[0].Network != "198.51.100.0/24" ||
					list[1].Ref != first.Ref() || list[1].Network != "2001:db8:1234::/48" {
					t.Fatalf("list %+v", list)
				}
				if strings.Contains(list[0].Ref, second.ID) || list[0].Ref == list[1].Ref {
					t.Fatal("refs reveal ids or repeat")
				}
				// Expired sessions leave the list.
				clock = clock.Add(31 * time.Minute)
				if list, _ := sessions.ListForUser(ctx, carol); len(list) != 0 {
					t.Fatalf("expired sessions listed: %+v", list)
				}
			})

			t.Run("ConcurrentTouchAndLogout", func(t *testing.T) {
				// Many rounds of the race the issue reproduced: no ended session comes back.
				var ids []*Session
				for range 40 {
					ids = append(ids, signIn(50))
				}
				clock = clock.Add(2 * time.Minute)
				var wg sync.WaitGroup
				for _, sess := range ids {
					loaded, _ := sessions.Load(ctx, sess.ID)
					wg.Go(func() { _, _ = sessions.Touch(ctx, loaded) })
					wg.Go(func() { _ = sessions.Destroy(ctx, sess) })
				}
				wg.Wait()
				for _, sess := range ids {
					if got, _ := sessions.Load(ctx, sess.ID); got != nil {
						t.Fatal("a logged-out session came back")
					}
				}
			})
		})
	}
}
