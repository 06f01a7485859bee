package services

import (
	"context"
	"testing"
	"time"
)

// A guest who puts something in a cart gets a session holding only a cart
// token: not signed in, with its own CSRF token, ended by the idle timeout, and
// replaced at login by a session with no cart token (the cart is merged).
func TestGuestCartSessions(t *testing.T) {
	for name, store := range SessionStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clock := time.Unix(1_800_000_000, 0)
			sessions := sessionsOn(store, &clock)
			guest, err := sessions.StartGuest(ctx, ClientInfo{UserAgent: "Firefox", IP: "203.0.113.9"})
			if err != nil {
				t.Fatal(err)
			}
			if guest.SignedIn() || !ValidToken(guest.CartToken) || !ValidToken(guest.CSRFToken) ||
				guest.CartToken == guest.ID || guest.CartToken == guest.CSRFToken {
				t.Fatalf("guest session %+v", guest)
			}
			loaded, err := sessions.Load(ctx, guest.ID)
			if err != nil || loaded == nil || loaded.CartToken != guest.CartToken || loaded.UserID != 0 || loaded.SignedIn() {
				t.Fatalf("loaded %+v, %v", loaded, err)
			}
			// Touch keeps it alive like any session.
			clock = clock.Add(20 * time.Minute)
			if alive, err := sessions.Touch(ctx, loaded); err != nil || !alive {
				t.Fatalf("touch: %v, %v", alive, err)
			}
			user, err := sessions.SignIn(ctx, loaded, 42, "buyer@example.com", ClientInfo{})
			if err != nil {
				t.Fatal(err)
			}
			if user.CartToken != "" || user.ID == guest.ID {
				t.Errorf("signed-in session %+v keeps the guest's cart token or id", user)
			}
			if gone, err := sessions.Load(ctx, guest.ID); err != nil || gone != nil {
				t.Errorf("the guest session outlived the login: %+v, %v", gone, err)
			}
			// An idle guest session ends like any other.
			idle, err := sessions.StartGuest(ctx, ClientInfo{})
			if err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(31 * time.Minute)
			if got, err := sessions.Load(ctx, idle.ID); err != nil || got != nil {
				t.Errorf("an idle guest session: %+v, %v", got, err)
			}
		})
	}
}
