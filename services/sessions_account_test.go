package services

import (
	"context"
	"testing"
	"time"
)

// Issue 13: the sessions page ends one session by its handle (never its id),
// on every instance (the store is shared), and only the user's own.
func TestSessionsDestroyByRef(t *testing.T) {
	for name, store := range SessionStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clock := time.Unix(1_800_000_000, 0)
			sessions := sessionsOn(store, &clock)
			other := sessionsOn(store, &clock) // another instance on the same store
			mine, err := sessions.SignIn(ctx, nil, 41, "u@example.com", ClientInfo{})
			mustOK(t, err)
			phone, err := sessions.SignIn(ctx, nil, 41, "u@example.com", ClientInfo{})
			mustOK(t, err)
			stranger, err := sessions.SignIn(ctx, nil, 42, "s@example.com", ClientInfo{})
			mustOK(t, err)
			if phone.Ref() == phone.ID || len(phone.Ref()) >= len(phone.ID) {
				t.Fatalf("handle %q is not an opaque stand-in for the id", phone.Ref())
			}

			if found, err := sessions.DestroyByRef(ctx, 41, stranger.Ref()); err != nil || found {
				t.Fatalf("another user's handle: found %v, %v", found, err)
			}
			if got, _ := other.Load(ctx, stranger.ID); got == nil {
				t.Fatal("another user's handle ended their session")
			}
			if found, err := other.DestroyByRef(ctx, 41, phone.Ref()); err != nil || !found {
				t.Fatalf("DestroyByRef: found %v, %v", found, err)
			}
			if got, _ := sessions.Load(ctx, phone.ID); got != nil {
				t.Fatal("the session lives on after DestroyByRef")
			}
			if got, _ := sessions.Load(ctx, mine.ID); got == nil {
				t.Fatal("DestroyByRef ended a session it did not name")
			}
			if found, err := sessions.DestroyByRef(ctx, 41, phone.Ref()); err != nil || found {
				t.Fatalf("a handle of an ended session: found %v, %v", found, err)
			}
		})
	}
}

// After an email change every live session of the user shows the new address,
// and keeps its expiry; a session that ended stays ended.
func TestSessionsSetEmail(t *testing.T) {
	for name, store := range SessionStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clock := time.Unix(1_800_000_000, 0)
			sessions := sessionsOn(store, &clock)
			a, err := sessions.SignIn(ctx, nil, 51, "old@example.com", ClientInfo{})
			mustOK(t, err)
			b, err := sessions.SignIn(ctx, nil, 51, "old@example.com", ClientInfo{})
			mustOK(t, err)
			ended, err := sessions.SignIn(ctx, nil, 51, "old@example.com", ClientInfo{})
			mustOK(t, err)
			mustOK(t, sessions.Destroy(ctx, ended))
			stranger, err := sessions.SignIn(ctx, nil, 52, "old2@example.com", ClientInfo{})
			mustOK(t, err)

			mustOK(t, sessions.SetEmail(ctx, 51, "new@example.com"))
			for _, s := range []*Session{a, b} {
				got, err := sessions.Load(ctx, s.ID)
				if err != nil || got == nil || got.Email != "new@example.com" || got.CSRFToken != s.CSRFToken || got.CreatedAt != s.CreatedAt {
					t.Fatalf("session after SetEmail: %+v, %v", got, err)
				}
			}
			if got, _ := sessions.Load(ctx, ended.ID); got != nil {
				t.Fatal("SetEmail brought an ended session back")
			}
			if got, _ := sessions.Load(ctx, stranger.ID); got == nil || got.Email != "old2@example.com" {
				t.Fatalf("another user's session: %+v", got)
			}
			// The idle timeout still counts from the last request, not from SetEmail.
			clock = clock.Add(31 * time.Minute)
			if got, _ := sessions.Load(ctx, a.ID); got != nil {
				t.Fatal("SetEmail extended the session's idle timeout")
			}
		})
	}
}
