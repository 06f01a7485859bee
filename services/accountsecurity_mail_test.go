package services_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// testMails renders each account mail as a one-line message that names its
// kind and holds its token, so tests can read links back. failing makes
// PasswordChanged fail, as a rendering bug would.
type testMails struct{ failing bool }

func (m testMails) mail(to, kind, token string) (models.Email, error) {
	text := kind + " " + token
	return models.Email{To: to, Subject: kind, Text: text, HTML: "<p>" + text + "</p>"}, nil
}

func (m testMails) PasswordReset(_ context.Context, to, token string, _ time.Duration) (models.Email, error) {
	return m.mail(to, "reset", token)
}

func (m testMails) PasswordChanged(_ context.Context, to string) (models.Email, error) {
	if m.failing {
		return models.Email{}, errors.New("template broke")
	}
	return m.mail(to, "changed", "")
}

func (m testMails) EmailChangeLink(_ context.Context, to, token string, _ time.Duration) (models.Email, error) {
	return m.mail(to, "confirm", token)
}

func (m testMails) EmailChangeTaken(_ context.Context, to string) (models.Email, error) {
	return m.mail(to, "taken", "")
}

func (m testMails) EmailChanged(_ context.Context, oldAddress, newAddress string) (models.Email, error) {
	return m.mail(oldAddress, "moved", newAddress)
}

// sentMail collects what the send_email worker sends.
type sentMail chan models.Email

func (s sentMail) Send(_ context.Context, e models.Email) error {
	s <- e
	return nil
}

// Issue 13: each change commits with the mail it causes, and the forgot-password
// request only queues a job, which mails a link to an account's address and
// nothing to an address without one.
func TestAccountSecurityMailsWithTheChange(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			sent := make(sentMail, 10)
			hasher := services.FastHasher(t)
			var security *services.AccountSecurity
			jobs := newJobs(t, d, services.JobsConfig{Workers: []services.JobWorker{
				services.SendEmailWorker(sent),
				services.WorkJob(func(ctx context.Context, req services.PasswordResetRequest) error {
					return security.WorkPasswordResetRequest(ctx, req)
				}),
			}})
			security = services.NewAccountSecurity(d.DB, hasher, jobs, services.AccountSecurityConfig{Mails: testMails{}})
			accounts := services.NewAccounts(d.DB, hasher)
			user, err := accounts.SignUp(ctx, models.Credentials{Email: "mail-" + name + "@example.com", Password: sellerPassword})
			if err != nil {
				t.Fatal(err)
			}
			startJobs(t, jobs)
			next := func(what string) models.Email { t.Helper(); return receive(t, sent, what) }

			if err := security.RequestPasswordReset(ctx, "not an address"); models.ErrorCode(err) != models.EINVALID {
				t.Fatalf("malformed address: %v, want EINVALID", err)
			}
			// No account: the job runs and mails nothing.
			if err := security.RequestPasswordReset(ctx, "Nobody@Example.com"); err != nil {
				t.Fatal(err)
			}
			waitForJobState(t, d.DB, services.PasswordResetRequest{}.Kind(), "completed/1")
			if len(sent) != 0 {
				t.Fatalf("a mail for an address without an account: %+v", <-sent)
			}

			if err := security.RequestPasswordReset(ctx, " "+strings.ToUpper(user.Email)); err != nil {
				t.Fatal(err)
			}
			reset := next("the reset link")
			token := strings.TrimPrefix(reset.Text, "reset ")
			if reset.To != user.Email || reset.Subject != "reset" || !services.ValidToken(token) {
				t.Fatalf("reset mail %+v", reset)
			}
			if _, err := security.ResetPassword(ctx, token, "a brand new and long password"); err != nil {
				t.Fatal(err)
			}
			if changed := next("the notice"); changed.To != user.Email || changed.Subject != "changed" {
				t.Fatalf("after the reset: %+v", changed)
			}

			if _, err := security.ChangePassword(ctx, user.ID, "a brand new and long password", sellerPassword); err != nil {
				t.Fatal(err)
			}
			if changed := next("the notice"); changed.Subject != "changed" {
				t.Fatalf("after the change: %+v", changed)
			}

			if _, _, err := security.RequestEmailChange(ctx, user.ID, "moved-"+user.Email, sellerPassword); err != nil {
				t.Fatal(err)
			}
			link := next("the confirmation link")
			if link.To != "moved-"+user.Email || link.Subject != "confirm" {
				t.Fatalf("email change: %+v", link)
			}
			if got, err := security.EmailChangeAddress(ctx, strings.TrimPrefix(link.Text, "confirm ")); err != nil || got != "moved-"+user.Email {
				t.Fatalf("EmailChangeAddress = %q, %v", got, err)
			}
			if _, _, err := security.ConfirmEmailChange(ctx, strings.TrimPrefix(link.Text, "confirm ")); err != nil {
				t.Fatal(err)
			}
			if moved := next("the notice to the old address"); moved.To != user.Email || moved.Text != "moved moved-"+user.Email {
				t.Fatalf("after the move: %+v", moved)
			}
			// A taken address gets a note, not a link.
			other, err := accounts.SignUp(ctx, models.Credentials{Email: "other-" + name + "@example.com", Password: sellerPassword})
			if err != nil {
				t.Fatal(err)
			}
			if _, taken, err := security.RequestEmailChange(ctx, user.ID, other.Email, sellerPassword); err != nil || !taken {
				t.Fatalf("taken address: %v %v", taken, err)
			}
			if note := next("the note"); note.To != other.Email || note.Subject != "taken" {
				t.Fatalf("taken address: %+v", note)
			}
		})
	}
}

// A mail that cannot be made undoes its change: nobody changes a password
// without the owner being told.
func TestAccountSecurityChangeRollsBackWithoutItsMail(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			hasher := services.FastHasher(t)
			jobs := newJobs(t, d, services.JobsConfig{Workers: []services.JobWorker{services.SendEmailWorker(make(sentMail, 1))}})
			security := services.NewAccountSecurity(d.DB, hasher, jobs, services.AccountSecurityConfig{Mails: testMails{failing: true}})
			accounts := services.NewAccounts(d.DB, hasher)
			user, err := accounts.SignUp(ctx, models.Credentials{Email: "rollback-" + name + "@example.com", Password: sellerPassword})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := security.ChangePassword(ctx, user.ID, sellerPassword, "a brand new and long password"); err == nil ||
				models.ErrorCode(err) == models.EINVALID {
				t.Fatalf("ChangePassword with a broken mail: %v, want an internal error", err)
			}
			if _, err := accounts.Authenticate(ctx, models.Credentials{Email: user.Email, Password: sellerPassword}); err != nil {
				t.Fatalf("the old password no longer works: %v", err)
			}
		})
	}
}
