package services

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
)

// The throttle counts in Redis and fails closed: while Redis is stopped or hung,
// every check and count is EUNAVAILABLE, never a pass (Fiber's limiter would
// fail open here), and each answer comes within the client's short timeouts.
func TestThrottleFailsClosed(t *testing.T) {
	t.Parallel()
	srv := testenv.StartRedis(t)
	rdb, err := OpenRedis(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	rules := ThrottleRules{
		LoginPerIP:      ThrottleRule{Limit: 3, Window: time.Minute},
		LoginPerAccount: ThrottleRule{Limit: 2, Window: time.Minute},
		SignupPerIP:     ThrottleRule{Limit: 1, Window: time.Minute},
	}
	th := NewThrottle(RedisCounter{Client: rdb, Prefix: "t:"}, rules)
	ctx := context.Background()

	// Working Redis: the limits hold, per account and per IP, and success resets the account.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(th.LoginFailed(ctx, "10.0.0.1", "a@example.com"))
	must(th.LoginSucceeded(ctx, "a@example.com"))
	must(th.LoginFailed(ctx, "10.0.0.1", "a@example.com"))
	must(th.CheckLogin(ctx, "10.0.0.2", "a@example.com"))
	must(th.LoginFailed(ctx, "10.0.0.2", "a@example.com"))
	err = th.CheckLogin(ctx, "10.0.0.3", "a@example.com")
	var me *models.Error
	if models.ErrorCode(err) != models.ETHROTTLED || !errorsAs(err, &me) || me.RetryAfter <= 0 {
		t.Fatalf("account over its limit: %v, want ETHROTTLED with Retry-After", err)
	}
	must(th.LoginFailed(ctx, "10.0.0.1", "b@example.com")) // IP 10.0.0.1: third failure
	if err := th.CheckLogin(ctx, "10.0.0.1", "c@example.com"); models.ErrorCode(err) != models.ETHROTTLED {
		t.Fatalf("IP over its limit: %v, want ETHROTTLED", err)
	}
	must(th.Signup(ctx, "10.0.0.9"))
	if err := th.Signup(ctx, "10.0.0.9"); models.ErrorCode(err) != models.ETHROTTLED {
		t.Fatalf("sign-up over the limit: %v, want ETHROTTLED", err)
	}

	for _, mode := range []string{"stopped", "hung"} {
		if mode == "stopped" {
			srv.Stop(t)
		} else {
			srv.Pause(t)
		}
		calls := map[string]func(context.Context) error{
			"CheckLogin":     func(ctx context.Context) error { return th.CheckLogin(ctx, "10.0.0.7", "d@example.com") },
			"LoginFailed":    func(ctx context.Context) error { return th.LoginFailed(ctx, "10.0.0.7", "d@example.com") },
			"LoginSucceeded": func(ctx context.Context) error { return th.LoginSucceeded(ctx, "d@example.com") },
			"Signup":         func(ctx context.Context) error { return th.Signup(ctx, "10.0.0.7") },
		}
		for name, call := range calls {
			start := time.Now()
			err := call(ctx) // no deadline of ours: the client's own timeouts must end it
			if models.ErrorCode(err) != models.EUNAVAILABLE {
				t.Errorf("Redis %s: %s = %v, want EUNAVAILABLE", mode, name, err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Redis %s: %s took %v", mode, name, took)
			}
		}
		if mode == "stopped" {
			srv.Start(t)
		} else {
			srv.Resume(t)
		}
	}
	// Back: the counts survived the restart (append-only file) and still apply.
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := th.CheckLogin(ctx, "10.0.0.3", "a@example.com")
		if models.ErrorCode(err) == models.ETHROTTLED {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after Redis came back: %v, want ETHROTTLED", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func errorsAs(err error, target **models.Error) bool { return errors.As(err, target) }
