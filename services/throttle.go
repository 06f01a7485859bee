package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"strconv"
	"time"

	"github.com/storefront/storefront/models"
)

// ThrottleRule allows Limit events per Window.
type ThrottleRule struct {
	Limit  int64
	Window time.Duration
}

// ThrottleRules are the brute-force limits.
type ThrottleRules struct {
	LoginPerIP      ThrottleRule // failed logins from one client IP (Rails 8: 10 per 3 minutes)
	LoginPerAccount ThrottleRule // consecutive failed logins for one email, from browsers it does not know
	LoginPerDevice  ThrottleRule // consecutive failed logins from a browser that logged in to the account before
	SignupPerIP     ThrottleRule // sign-up attempts from one client IP
	ForgotPerIP     ThrottleRule // password-reset requests from one client IP
	ForgotPerEmail  ThrottleRule // password-reset requests for one typed address, known or not
}

// DefaultThrottleRules keep an account far below ASVS's 100 failures per hour.
var DefaultThrottleRules = ThrottleRules{
	LoginPerIP:      ThrottleRule{Limit: 10, Window: 3 * time.Minute},
	LoginPerAccount: ThrottleRule{Limit: 10, Window: 15 * time.Minute},
	LoginPerDevice:  ThrottleRule{Limit: 5, Window: 15 * time.Minute},
	SignupPerIP:     ThrottleRule{Limit: 20, Window: 10 * time.Minute},
	// A few tries for a mail that is slow to arrive; no flood of mail to anyone.
	ForgotPerIP:    ThrottleRule{Limit: 10, Window: 15 * time.Minute},
	ForgotPerEmail: ThrottleRule{Limit: 5, Window: time.Hour},
}

// The limits a throttled attempt can run into, as RefusedLimit names them.
const (
	LimitIP      = "ip"
	LimitAccount = "account"
	LimitDevice  = "device"
	LimitEmail   = "email" // an address typed into the forgot-password form
)

// Throttle limits login, sign-up and password-reset attempts. It fails closed: when the counter
// storage is down, attempts get EUNAVAILABLE rather than an unthrottled pass.
//
// A login attempt is counted before the password is checked, in one atomic step
// for all its limits (Counter.Reserve): parallel guesses cannot all pass a check
// that only later counts them. The outcome then settles the reservation.
type Throttle struct {
	counter Counter
	rules   ThrottleRules
}

// NewThrottle returns a throttle over counter.
func NewThrottle(counter Counter, rules ThrottleRules) *Throttle {
	return &Throttle{counter: counter, rules: rules}
}

// LoginAttempt is who is trying to log in to which account.
type LoginAttempt struct {
	IP    string
	Email string // normalised
	// Device is the id of a browser that has logged in to this account before
	// (Devices.Recognize), or "". Such a browser is exempt from the per-account
	// limit, which anyone can run into on purpose, and has a smaller one of its own.
	Device string
}

// LoginReservation is a login attempt counted in advance. Exactly one of
// Succeeded or Release settles it; a failed password leaves it counted.
type LoginReservation struct {
	t        *Throttle
	ip       string // counter keys
	personal string // the account's or the device's
	account  string
}

// ReserveLogin counts the attempt against the client IP and against the account
// (or, for a known device, against the device), or refuses it with ETHROTTLED,
// counting nothing, when any of them is at its limit. RefusedLimit(err) names it.
func (t *Throttle) ReserveLogin(ctx context.Context, a LoginAttempt) (*LoginReservation, error) {
	r := &LoginReservation{t: t, ip: ipKey("login", a.IP), account: "throttle:login:account:" + keyPart(a.Email)}
	limits := []CounterLimit{{Key: r.ip, ThrottleRule: t.rules.LoginPerIP}}
	names := []string{LimitIP}
	if a.Device != "" {
		r.personal = "throttle:login:device:" + keyPart(a.Device)
		limits = append(limits, CounterLimit{Key: r.personal, ThrottleRule: t.rules.LoginPerDevice})
		names = append(names, LimitDevice)
	} else {
		r.personal = r.account
		limits = append(limits, CounterLimit{Key: r.personal, ThrottleRule: t.rules.LoginPerAccount})
		names = append(names, LimitAccount)
	}
	refused, retryAfter, err := t.counter.Reserve(ctx, limits)
	if err != nil {
		return nil, unavailable("throttle: reserve login", err)
	}
	if refused >= 0 {
		return nil, throttled(names[refused], retryAfter)
	}
	return r, nil
}

// Succeeded settles a login that worked: it was not a failure from the IP, and
// it ends the account's (and the device's) run of consecutive failures.
func (r *LoginReservation) Succeeded(ctx context.Context) error {
	if err := r.t.counter.Refund(ctx, r.ip); err != nil {
		return unavailable("throttle: refund", err)
	}
	if err := r.t.counter.Reset(ctx, r.account, r.personal); err != nil {
		return unavailable("throttle: reset", err)
	}
	return nil
}

// Release gives the attempt back when the password was never judged (the
// database or the hasher was unavailable). It is best effort: the caller is
// already failing, and a count left behind only errs on the safe side.
func (r *LoginReservation) Release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = r.t.counter.Refund(ctx, r.ip, r.personal)
}

// Signup counts a sign-up attempt from ip and refuses it over the limit.
func (t *Throttle) Signup(ctx context.Context, ip string) error {
	refused, retryAfter, err := t.counter.Reserve(ctx, []CounterLimit{{Key: ipKey("signup", ip), ThrottleRule: t.rules.SignupPerIP}})
	if err != nil {
		return unavailable("throttle: count sign-up", err)
	}
	if refused >= 0 {
		return throttled(LimitIP, retryAfter)
	}
	return nil
}

// PasswordResetRequest counts a forgot-password request from ip for email
// (normalised) against both limits at once, or refuses it with ETHROTTLED,
// counting nothing. The address is counted whether or not it has an account,
// so a refusal says nothing about it; RefusedLimit names LimitIP or LimitEmail.
func (t *Throttle) PasswordResetRequest(ctx context.Context, ip, email string) error {
	refused, retryAfter, err := t.counter.Reserve(ctx, []CounterLimit{
		{Key: ipKey("forgot", ip), ThrottleRule: t.rules.ForgotPerIP},
		{Key: "throttle:forgot:email:" + keyPart(email), ThrottleRule: t.rules.ForgotPerEmail},
	})
	if err != nil {
		return unavailable("throttle: count password reset request", err)
	}
	if refused >= 0 {
		return throttled([]string{LimitIP, LimitEmail}[refused], retryAfter)
	}
	return nil
}

// RefusedLimit names the limit (LimitIP, LimitAccount, LimitDevice, LimitEmail) that
// throttled err, or returns "" when err is not a throttle refusal.
func RefusedLimit(err error) string {
	var r refusedBy
	if errors.As(err, &r) {
		return string(r)
	}
	return ""
}

type refusedBy string

func (r refusedBy) Error() string { return "over the " + string(r) + " limit" }

func throttled(limit string, retryAfter time.Duration) error {
	retryAfter = max(retryAfter, time.Second)
	return &models.Error{
		Code:       models.ETHROTTLED,
		Message:    "Too many attempts. Try again in " + waitText(retryAfter) + ".",
		RetryAfter: retryAfter,
		Err:        refusedBy(limit),
	}
}

// waitText says how long d is the way a person would, rounded up.
func waitText(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.FormatInt(n, 10) + " " + unit + "s"
	}
	switch {
	case d <= time.Minute:
		return plural(int64((d+time.Second-1)/time.Second), "second")
	case d <= 90*time.Minute:
		return plural(int64((d+time.Minute-1)/time.Minute), "minute")
	}
	return plural(int64((d+time.Hour-1)/time.Hour), "hour")
}

// ipKey is the counter key of a client address. An IPv6 client is counted by
// its /64, the smallest block an end site gets: otherwise one host could change
// address per attempt.
func ipKey(action, ip string) string {
	if addr, err := netip.ParseAddr(ip); err == nil {
		addr = addr.Unmap()
		if addr.Is6() {
			ip = netip.PrefixFrom(addr.WithZone(""), 64).Masked().String()
		} else {
			ip = addr.String()
		}
	}
	return "throttle:" + action + ":ip:" + keyPart(ip)
}

// keyPart turns user-supplied text into a fixed-size key component, so that
// no input can make the counter storage keep a large key.
func keyPart(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
