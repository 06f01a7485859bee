package services_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

const sellerPassword = "a perfectly fine password"

// testClock is a clock that tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// statementLog records the kind of every statement (SELECT, INSERT, BEGIN...)
// a database runs while it is on.
type statementLog struct {
	on  atomic.Bool
	mu  sync.Mutex
	ops []string
}

func (l *statementLog) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if l.on.Load() {
		l.mu.Lock()
		verb, _, _ := strings.Cut(strings.TrimSpace(e.Query), " ")
		l.ops = append(l.ops, verb)
		l.mu.Unlock()
	}
	return ctx
}

func (l *statementLog) AfterQuery(context.Context, *bun.QueryEvent) {}

// record returns the statements fn runs.
func (l *statementLog) record(fn func()) []string {
	l.mu.Lock()
	l.ops = nil
	l.mu.Unlock()
	l.on.Store(true)
	fn()
	l.on.Store(false)
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ops...)
}

// securityFixture is one database with the account services on a test clock.
type securityFixture struct {
	db       *bun.DB
	accounts *services.Accounts
	security *services.AccountSecurity
	clock    *testClock
	log      *statementLog
}

func newSecurityFixture(t *testing.T, db *bun.DB) *securityFixture {
	t.Helper()
	hasher := services.FastHasher(t)
	f := &securityFixture{db: db, accounts: services.NewAccounts(db, hasher), clock: newTestClock(), log: &statementLog{}}
	f.security = services.NewAccountSecurity(db, hasher, nil, services.AccountSecurityConfig{Now: f.clock.Now})
	db.AddQueryHook(f.log)
	return f
}

func (f *securityFixture) signUp(t *testing.T, email string) *models.User {
	t.Helper()
	u, err := f.accounts.SignUp(context.Background(), models.Credentials{Email: email, Password: sellerPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *securityFixture) issueReset(t *testing.T, email string) string {
	t.Helper()
	token, u, err := f.security.IssuePasswordReset(context.Background(), email)
	if err != nil || u == nil || token == "" {
		t.Fatalf("IssuePasswordReset(%q) = %q, %v, %v", email, token, u, err)
	}
	return token
}

func (f *securityFixture) canLogIn(email, password string) bool {
	_, err := f.accounts.Authenticate(context.Background(), models.Credentials{Email: email, Password: password})
	return err == nil
}

func assertLinkInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, services.ErrAccountLinkInvalid) {
		t.Fatalf("%s: error %v, want ErrAccountLinkInvalid", what, err)
	}
}

func forEachDatabase(t *testing.T, test func(t *testing.T, f *securityFixture)) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) { test(t, newSecurityFixture(t, db)) })
	}
}

// Issue 13: a reset link sets the password once; afterwards it is void, and
// the new password (not the old one) logs in.
func TestPasswordResetLinkIsSingleUse(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "reset@example.com")
		token := f.issueReset(t, " Reset@Example.com ")

		u, err := f.security.PasswordResetUser(ctx, token)
		if err != nil || u.Email != "reset@example.com" {
			t.Fatalf("PasswordResetUser = %v, %v", u, err)
		}
		const newPassword = "a brand new passphrase"
		u, err = f.security.ResetPassword(ctx, token, newPassword)
		if err != nil || u.Email != "reset@example.com" {
			t.Fatalf("ResetPassword = %v, %v", u, err)
		}
		if !f.canLogIn("reset@example.com", newPassword) || f.canLogIn("reset@example.com", sellerPassword) {
			t.Fatal("after the reset, the new password must log in and the old one must not")
		}
		_, err = f.security.ResetPassword(ctx, token, "yet another passphrase")
		assertLinkInvalid(t, "second use", err)
		_, err = f.security.PasswordResetUser(ctx, token)
		assertLinkInvalid(t, "page of a used link", err)
		if !f.canLogIn("reset@example.com", newPassword) {
			t.Fatal("a refused second use changed the password")
		}
	})
}

// Only the token's SHA-256 is stored, never the token.
func TestPasswordResetStoresOnlyTheTokenHash(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "hash@example.com")
		token := f.issueReset(t, "hash@example.com")
		if len(token) != 43 || strings.ContainsAny(token, "+/=") {
			t.Fatalf("token %q is not 32 bytes of base64url", token)
		}
		var rows []struct {
			TokenHash string `bun:"token_hash"`
			Purpose   string `bun:"purpose"`
		}
		if err := f.db.NewSelect().Table("account_tokens").Column("token_hash", "purpose").Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Purpose != "password_reset" || len(rows[0].TokenHash) != 64 ||
			strings.Contains(rows[0].TokenHash, token) {
			t.Fatalf("stored %+v for token %q", rows, token)
		}
	})
}

// A link works until PASSWORD_RESET_TTL has passed, and not a moment after.
func TestPasswordResetLinkExpires(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "expiry@example.com")
		token := f.issueReset(t, "expiry@example.com")
		f.clock.Advance(services.DefaultPasswordResetTTL - time.Second)
		if _, err := f.security.PasswordResetUser(ctx, token); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		f.clock.Advance(time.Second)
		_, err := f.security.PasswordResetUser(ctx, token)
		assertLinkInvalid(t, "page at expiry", err)
		_, err = f.security.ResetPassword(ctx, token, "a brand new passphrase")
		assertLinkInvalid(t, "reset at expiry", err)

		// The lifetime is configurable.
		short := services.NewAccountSecurity(f.db, services.FastHasher(t), nil,
			services.AccountSecurityConfig{PasswordResetTTL: 10 * time.Minute, Now: f.clock.Now})
		token, _, err = short.IssuePasswordReset(ctx, "expiry@example.com")
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(10 * time.Minute)
		_, err = short.ResetPassword(ctx, token, "a brand new passphrase")
		assertLinkInvalid(t, "reset after a 10-minute TTL", err)
	})
}

// An unknown, malformed, used, voided or expired link all get one answer.
func TestInvalidLinksLookTheSame(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "same@example.com")
		used := f.issueReset(t, "same@example.com")
		if _, err := f.security.ResetPassword(ctx, used, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		voided := f.issueReset(t, "same@example.com")
		expired := f.issueReset(t, "same@example.com") // voids the one before
		f.clock.Advance(2 * services.DefaultPasswordResetTTL)
		emailLink, _, err := f.security.RequestEmailChange(ctx, mustUser(t, f, "same@example.com").ID, "new@example.com", "a brand new passphrase")
		if err != nil {
			t.Fatal(err)
		}
		for name, token := range map[string]string{
			"unknown": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "malformed": "not a token", "empty": "",
			"used": used, "voided": voided, "expired": expired, "other purpose": emailLink,
		} {
			_, err := f.security.PasswordResetUser(ctx, token)
			assertLinkInvalid(t, name, err)
			if models.ErrorMessage(err) != "This link has expired or was already used." {
				t.Fatalf("%s: message %q", name, models.ErrorMessage(err))
			}
		}
		_, _, err = f.security.ConfirmEmailChange(ctx, used)
		assertLinkInvalid(t, "a reset link confirming an email change", err)
	})
}

func mustUser(t *testing.T, f *securityFixture, email string) *models.User {
	t.Helper()
	u := new(models.User)
	if err := f.db.NewSelect().Model(u).Where("email = ?", email).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return u
}

// Issue 13: a newer link voids the older ones.
func TestNewerPasswordResetLinkVoidsOlder(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "newer@example.com")
		older := f.issueReset(t, "newer@example.com")
		newer := f.issueReset(t, "newer@example.com")
		_, err := f.security.ResetPassword(ctx, older, "a brand new passphrase")
		assertLinkInvalid(t, "older link", err)
		if _, err := f.security.ResetPassword(ctx, newer, "a brand new passphrase"); err != nil {
			t.Fatalf("newer link: %v", err)
		}
	})
}

// Issue 13: a link is void once the password changes by any route.
func TestPasswordChangeVoidsOpenLinks(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		u := f.signUp(t, "change@example.com")
		reset := f.issueReset(t, "change@example.com")
		emailLink, _, err := f.security.RequestEmailChange(ctx, u.ID, "moved@example.com", sellerPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.security.ChangePassword(ctx, u.ID, sellerPassword, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		_, err = f.security.ResetPassword(ctx, reset, "the attacker's passphrase")
		assertLinkInvalid(t, "reset link after a password change", err)
		_, _, err = f.security.ConfirmEmailChange(ctx, emailLink)
		assertLinkInvalid(t, "email link after a password change", err)

		// A reset is a password change too: it voids the user's other links.
		emailLink, _, err = f.security.RequestEmailChange(ctx, u.ID, "moved@example.com", "a brand new passphrase")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.security.ResetPassword(ctx, f.issueReset(t, "change@example.com"), "a third passphrase here"); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.security.ConfirmEmailChange(ctx, emailLink)
		assertLinkInvalid(t, "email link after a reset", err)
	})
}

// Issue 13: the forgot-password form must not tell whether an account exists.
// An unknown address runs exactly the statements a known one does (and no
// password hash either way), and returns no token.
func TestPasswordResetUnknownEmailDoesTheSameWork(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "known@example.com")
		f.issueReset(t, "known@example.com") // so that both calls below have an open link to void or not

		var knownToken, unknownToken string
		var knownUser, unknownUser *models.User
		var knownErr, unknownErr error
		known := f.log.record(func() { knownToken, knownUser, knownErr = f.security.IssuePasswordReset(ctx, "known@example.com") })
		unknown := f.log.record(func() {
			unknownToken, unknownUser, unknownErr = f.security.IssuePasswordReset(ctx, "unknown@example.com")
		})
		if knownErr != nil || unknownErr != nil || knownToken == "" || knownUser == nil {
			t.Fatalf("known: %q %v %v; unknown: %v", knownToken, knownUser, knownErr, unknownErr)
		}
		if unknownToken != "" || unknownUser != nil {
			t.Fatalf("unknown address: token %q user %v, want none", unknownToken, unknownUser)
		}
		t.Logf("statements for either address: %v", known)
		if len(known) < 4 || strings.Join(known, " ") != strings.Join(unknown, " ") {
			t.Fatalf("statements differ:\n known   %v\n unknown %v", known, unknown)
		}
		n, err := f.db.NewSelect().Table("account_tokens").Count(ctx)
		if err != nil || n != 2 {
			t.Fatalf("%d links stored (%v), want 2: the unknown address must store none", n, err)
		}
	})
}

// The new password follows the sign-up rules, with the reason; a refused
// password leaves the link usable.
func TestResetPasswordAppliesThePolicy(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "policy.person@example.com")
		token := f.issueReset(t, "policy.person@example.com")
		for pw, want := range map[string]string{
			"1qaz2wsx3edc":              models.CommonPasswordMessage,
			"Policy.Person@Example.com": models.OwnEmailMessage,
			"short":                     "Use at least 12 characters.",
		} {
			_, err := f.security.ResetPassword(ctx, token, pw)
			if got := models.FieldErrors(err)["password"]; models.ErrorCode(err) != models.EINVALID || got != want {
				t.Fatalf("ResetPassword(%q): %v, password message %q, want %q", pw, err, got, want)
			}
		}
		if _, err := f.security.ResetPassword(ctx, token, "a brand new passphrase"); err != nil {
			t.Fatalf("the link was spent by a refused password: %v", err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		u := f.signUp(t, "changer@example.com")
		for _, wrong := range []string{"not the password", "", strings.Repeat("x", 4*models.PasswordMaxLength+1)} {
			_, err := f.security.ChangePassword(ctx, u.ID, wrong, "a brand new passphrase")
			if !errors.Is(err, services.ErrWrongCurrentPassword) || models.ErrorCode(err) != models.EUNAUTHORIZED {
				t.Fatalf("wrong current password %.20q: %v, want EUNAUTHORIZED", wrong, err)
			}
		}
		_, err := f.security.ChangePassword(ctx, u.ID, sellerPassword, "qwertyqwerty")
		if models.FieldErrors(err)["new_password"] != models.CommonPasswordMessage {
			t.Fatalf("common new password: %v", err)
		}
		_, err = f.security.ChangePassword(ctx, u.ID, sellerPassword, "Changer@example.com")
		if models.FieldErrors(err)["new_password"] != models.OwnEmailMessage {
			t.Fatalf("own email as new password: %v", err)
		}
		if !f.canLogIn("changer@example.com", sellerPassword) {
			t.Fatal("a refused change changed the password")
		}
		if _, err := f.security.ChangePassword(ctx, u.ID, sellerPassword, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if !f.canLogIn("changer@example.com", "a brand new passphrase") || f.canLogIn("changer@example.com", sellerPassword) {
			t.Fatal("after the change, the new password must log in and the old one must not")
		}
		if _, err := f.security.ChangePassword(ctx, 987654, "anything at all", "a brand new passphrase"); !errors.Is(err, services.ErrUserGone) {
			t.Fatalf("unknown user: %v, want ErrUserGone", err)
		}
	})
}

// Issue 13: taken and free addresses get the same answer (a token, no error)
// after the same work; only taken tells the caller which mail to send.
func TestEmailChangeTakenAndFreeLookAlike(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		u := f.signUp(t, "mover@example.com")
		f.signUp(t, "taken@example.com")
		var freeToken, takenToken string
		var freeTaken, takenTaken bool
		var freeErr, takenErr error
		free := f.log.record(func() {
			freeToken, freeTaken, freeErr = f.security.RequestEmailChange(ctx, u.ID, "Free@Example.com", sellerPassword)
		})
		taken := f.log.record(func() {
			takenToken, takenTaken, takenErr = f.security.RequestEmailChange(ctx, u.ID, "TAKEN@example.com", sellerPassword)
		})
		if freeErr != nil || takenErr != nil || len(freeToken) != 43 || len(takenToken) != 43 {
			t.Fatalf("free: %q %v; taken: %q %v", freeToken, freeErr, takenToken, takenErr)
		}
		if freeTaken || !takenTaken {
			t.Fatalf("taken flags: free %v, taken %v", freeTaken, takenTaken)
		}
		if strings.Join(free, " ") != strings.Join(taken, " ") {
			t.Fatalf("statements differ:\n free  %v\n taken %v", free, taken)
		}
		// The link for a taken address cannot take it.
		_, _, err := f.security.ConfirmEmailChange(ctx, takenToken)
		if !errors.Is(err, services.ErrEmailTakenMeanwhile) {
			t.Fatalf("confirming a taken address: %v", err)
		}
		// The newer request voided the older one.
		_, _, err = f.security.ConfirmEmailChange(ctx, freeToken)
		assertLinkInvalid(t, "older email-change link", err)
	})
}

func TestRequestEmailChangeRefusals(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		u := f.signUp(t, "refuse@example.com")
		_, _, err := f.security.RequestEmailChange(ctx, u.ID, "new@example.com", "not the password")
		if !errors.Is(err, services.ErrWrongCurrentPassword) {
			t.Fatalf("wrong password: %v", err)
		}
		for _, addr := range []string{"not an address", "", " REFUSE@example.com "} {
			_, _, err := f.security.RequestEmailChange(ctx, u.ID, addr, sellerPassword)
			if models.ErrorCode(err) != models.EINVALID || models.FieldErrors(err)["email"] == "" {
				t.Fatalf("address %q: %v, want EINVALID on email", addr, err)
			}
		}
		n, err := f.db.NewSelect().Table("account_tokens").Count(ctx)
		if err != nil || n != 0 {
			t.Fatalf("refused requests stored %d links (%v)", n, err)
		}
	})
}

// Issue 13: the change takes effect when the link is followed, once; the old
// address is returned for its notice, and links mailed to it are void.
func TestConfirmEmailChange(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		u := f.signUp(t, "old@example.com")
		token, taken, err := f.security.RequestEmailChange(ctx, u.ID, "new@example.com", sellerPassword)
		if err != nil || taken {
			t.Fatal(taken, err)
		}
		if !f.canLogIn("old@example.com", sellerPassword) {
			t.Fatal("the address changed before the link was followed")
		}
		reset := f.issueReset(t, "old@example.com")
		changed, oldEmail, err := f.security.ConfirmEmailChange(ctx, token)
		if err != nil || oldEmail != "old@example.com" || changed.Email != "new@example.com" || changed.ID != u.ID {
			t.Fatalf("ConfirmEmailChange = %+v, %q, %v", changed, oldEmail, err)
		}
		if !f.canLogIn("new@example.com", sellerPassword) || f.canLogIn("old@example.com", sellerPassword) {
			t.Fatal("after the change the new address must log in and the old one must not")
		}
		_, _, err = f.security.ConfirmEmailChange(ctx, token)
		assertLinkInvalid(t, "second use", err)
		_, err = f.security.ResetPassword(ctx, reset, "a brand new passphrase")
		assertLinkInvalid(t, "reset link mailed to the old address", err)
	})
}

func TestEmailChangeLinkExpiresAfter24Hours(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		u := f.signUp(t, "slow@example.com")
		token, _, err := f.security.RequestEmailChange(ctx, u.ID, "later@example.com", sellerPassword)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(24 * time.Hour)
		_, _, err = f.security.ConfirmEmailChange(ctx, token)
		assertLinkInvalid(t, "after 24 hours", err)
	})
}

// Issue 13: the database's unique index settles a race for the address.
func TestConfirmEmailChangeRefusesAddressTakenMeanwhile(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		u := f.signUp(t, "slowpoke@example.com")
		token, taken, err := f.security.RequestEmailChange(ctx, u.ID, "wanted@example.com", sellerPassword)
		if err != nil || taken {
			t.Fatal(taken, err)
		}
		f.signUp(t, "wanted@example.com")
		_, _, err = f.security.ConfirmEmailChange(ctx, token)
		if !errors.Is(err, services.ErrEmailTakenMeanwhile) || models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("error %v, want ErrEmailTakenMeanwhile", err)
		}
		if mustUser(t, f, "slowpoke@example.com").ID != u.ID {
			t.Fatal("the address changed anyway")
		}
	})
}

// runAtOnce runs fn n times concurrently, released together, and returns how
// many succeeded; every failure must satisfy isExpected.
func runAtOnce(t *testing.T, n int, fn func(i int) error, isExpected func(error) bool) int {
	t.Helper()
	start := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- fn(i)
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case !isExpected(err):
			t.Errorf("unexpected error: %v", err)
		}
	}
	return ok
}

// Issue 13: two clicks on one link at once change the account once.
func TestConcurrentUseOfOneLinkSucceedsOnce(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		invalid := func(err error) bool { return errors.Is(err, services.ErrAccountLinkInvalid) }

		u := f.signUp(t, "racer@example.com")
		token, _, err := f.security.RequestEmailChange(ctx, u.ID, "raced@example.com", sellerPassword)
		if err != nil {
			t.Fatal(err)
		}
		confirms := runAtOnce(t, 8, func(int) error { _, _, err := f.security.ConfirmEmailChange(ctx, token); return err }, invalid)
		if confirms != 1 {
			t.Fatalf("%d concurrent confirmations succeeded, want 1", confirms)
		}

		reset := f.issueReset(t, "raced@example.com")
		var winner atomic.Value
		resets := runAtOnce(t, 8, func(i int) error {
			pw := fmt.Sprintf("concurrent passphrase number %d", i)
			_, err := f.security.ResetPassword(ctx, reset, pw)
			if err == nil {
				winner.Store(pw)
			}
			return err
		}, invalid)
		if resets != 1 {
			t.Fatalf("%d concurrent resets succeeded, want 1", resets)
		}
		if !f.canLogIn("raced@example.com", winner.Load().(string)) {
			t.Fatal("the successful reset's password does not log in")
		}
	})
}

func TestDeleteExpiredTokens(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "tidy@example.com")
		f.issueReset(t, "tidy@example.com")
		if n, err := f.security.DeleteExpiredTokens(ctx); err != nil || n != 0 {
			t.Fatalf("deleted %d (%v) before expiry", n, err)
		}
		f.clock.Advance(services.DefaultPasswordResetTTL)
		if n, err := f.security.DeleteExpiredTokens(ctx); err != nil || n != 1 {
			t.Fatalf("deleted %d (%v) at expiry, want 1", n, err)
		}
	})
}

// Inside a caller's transaction (WithTx) the service's writes are the caller's:
// a link issued in a transaction that rolls back (say its mail job could not be
// queued) does not exist.
func TestAccountSecurityWithTxRollsBackWithTheCaller(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, f *securityFixture) {
		ctx := context.Background()
		f.signUp(t, "rollback@example.com")
		errQueueFailed := errors.New("queue failed")
		var token string
		err := services.InTx(ctx, f.db, func(ctx context.Context, tx bun.Tx) error {
			var err error
			var u *models.User
			if token, u, err = f.security.WithTx(tx).IssuePasswordReset(ctx, "rollback@example.com"); err != nil || u == nil {
				return fmt.Errorf("issue: %v %v", u, err)
			}
			return errQueueFailed
		})
		if !errors.Is(err, errQueueFailed) {
			t.Fatalf("InTx = %v, want the caller's error", err)
		}
		_, err = f.security.PasswordResetUser(ctx, token)
		assertLinkInvalid(t, "link of a rolled-back transaction", err)
	})
}
