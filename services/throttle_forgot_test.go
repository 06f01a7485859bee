package services

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
)

// Issue 13: "forgot your password?" is limited per client IP and per typed
// address, both counted in one step whether or not the address has an
// account; a refusal counts nothing and names its limit.
func TestThrottlePasswordResetRequest(t *testing.T) {
	all, _ := counters(t)
	for name, counter := range all {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			th := NewThrottle(counter, ThrottleRules{
				ForgotPerIP:    ThrottleRule{Limit: 3, Window: time.Minute},
				ForgotPerEmail: ThrottleRule{Limit: 2, Window: time.Hour},
			})
			mustOK(t, th.PasswordResetRequest(ctx, "203.0.113.1", "a@example.com"))
			mustOK(t, th.PasswordResetRequest(ctx, "203.0.113.2", "a@example.com"))
			err := th.PasswordResetRequest(ctx, "203.0.113.3", "a@example.com")
			assertRefusedBy(t, "third request for one address", err, LimitEmail)
			if wait := retryAfterOf(t, err); wait < 59*time.Minute {
				t.Fatalf("Retry-After %v, want the address's window (1h)", wait)
			}

			mustOK(t, th.PasswordResetRequest(ctx, "203.0.113.1", "b@example.com"))
			mustOK(t, th.PasswordResetRequest(ctx, "203.0.113.1", "c@example.com"))
			assertRefusedBy(t, "fourth request from one IP", th.PasswordResetRequest(ctx, "203.0.113.1", "d@example.com"), LimitIP)
			// The refusal counted nothing against d: from another IP it has its whole allowance.
			mustOK(t, th.PasswordResetRequest(ctx, "203.0.113.9", "d@example.com"))
			mustOK(t, th.PasswordResetRequest(ctx, "203.0.113.9", "d@example.com"))
			// IPv6 clients count by their /64.
			mustOK(t, th.PasswordResetRequest(ctx, "2001:db8:1:2::1", "e@example.com"))
			mustOK(t, th.PasswordResetRequest(ctx, "2001:db8:1:2::2", "f@example.com"))
			mustOK(t, th.PasswordResetRequest(ctx, "2001:db8:1:2::3", "g@example.com"))
			assertRefusedBy(t, "a fourth address of one /64", th.PasswordResetRequest(ctx, "2001:db8:1:2:ffff::9", "h@example.com"), LimitIP)
		})
	}
}

func retryAfterOf(t *testing.T, err error) time.Duration {
	t.Helper()
	var me *models.Error
	if !errors.As(err, &me) {
		t.Fatalf("%v is not a models.Error", err)
	}
	return me.RetryAfter
}
