package services

import (
	"context"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
)

// A device token is recognised only for the account it was issued to, only
// within DeviceLifetime, and only as issued; the database keeps its hash.
func TestDevices(t *testing.T) {
	for name, db := range Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			accounts := NewAccounts(db, FastHasher(t))
			owner, err := accounts.SignUp(ctx, models.Credentials{Email: "owner@example.com", Password: "a perfectly fine password"})
			mustOK(t, err)
			_, err = accounts.SignUp(ctx, models.Credentials{Email: "other@example.com", Password: "a perfectly fine password"})
			mustOK(t, err)
			now := time.Now()
			devices := NewDevices(db)
			devices.now = func() time.Time { return now }

			token, err := devices.Remember(ctx, owner.ID)
			mustOK(t, err)
			if !ValidToken(token) {
				t.Fatalf("token %q is not 256 random bits in base64url", token)
			}
			id, err := devices.Recognize(ctx, token, "owner@example.com")
			mustOK(t, err)
			if id != deviceID(token) {
				t.Fatalf("Recognize = %q, want the token's id", id)
			}
			stored, err := db.NewSelect().Table("login_devices").Where("id = ?", token).Count(ctx)
			mustOK(t, err)
			if stored != 0 {
				t.Fatal("the database holds the token itself")
			}
			for what, try := range map[string][2]string{
				"another account's email": {token, "other@example.com"},
				"an unknown email":        {token, "nobody@example.com"},
				"a forged token":          {NewToken(), "owner@example.com"},
				"a malformed token":       {"' OR 1=1 --", "owner@example.com"},
				"no token":                {"", "owner@example.com"},
			} {
				if id, err := devices.Recognize(ctx, try[0], try[1]); err != nil || id != "" {
					t.Errorf("%s: Recognize = %q, %v; want no device", what, id, err)
				}
			}

			now = now.Add(DeviceLifetime)
			if id, err := devices.Recognize(ctx, token, "owner@example.com"); err != nil || id != "" {
				t.Errorf("after DeviceLifetime: Recognize = %q, %v; want no device", id, err)
			}

			// Each login from a new browser adds a device; the oldest go beyond the cap.
			var tokens []string
			for range devicesPerUser + 3 {
				now = now.Add(time.Second)
				tok, err := devices.Remember(ctx, owner.ID)
				mustOK(t, err)
				tokens = append(tokens, tok)
			}
			n, err := db.NewSelect().Table("login_devices").Where("user_id = ?", owner.ID).Count(ctx)
			mustOK(t, err)
			if n != devicesPerUser {
				t.Fatalf("%d devices kept, want %d", n, devicesPerUser)
			}
			if id, _ := devices.Recognize(ctx, tokens[0], "owner@example.com"); id != "" {
				t.Error("the oldest device survived the cap")
			}
			if id, _ := devices.Recognize(ctx, tokens[len(tokens)-1], "owner@example.com"); id == "" {
				t.Error("the newest device is not recognised")
			}
		})
	}
}
