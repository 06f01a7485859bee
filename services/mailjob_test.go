package services_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// A mail queued in a transaction is sent by the job once the transaction
// commits, and arrives with its text and HTML parts (Mailpit), on both databases.
func TestQueuedMailReachesMailpit(t *testing.T) {
	smtpURL, api := testenv.Mailpit(t)
	mailer, err := services.NewSMTPMailer(smtpURL, "Storefront <shop@storefront.test>", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			jobs := newJobs(t, d, services.JobsConfig{Workers: []services.JobWorker{services.SendEmailWorker(mailer)}})
			startJobs(t, jobs)
			to := "queued-" + name + "-" + strings.ToLower(rand.Text()[:8]) + "@example.com"
			e := models.Email{To: to, Subject: "Queued", Text: "Plain part.\n", HTML: "<p>HTML <b>part</b>.</p>"}
			err := services.InTx(context.Background(), d.DB, func(ctx context.Context, tx bun.Tx) error {
				return jobs.QueueEmail(ctx, tx, e)
			})
			if err != nil {
				t.Fatal(err)
			}
			got := testenv.WaitMail(t, api, to)
			if !strings.Contains(got.Text, "Plain part.") || !strings.Contains(got.HTML, "<b>part</b>") {
				t.Fatalf("text %q, HTML %q: want both parts", got.Text, got.HTML)
			}
			waitForJobState(t, d.DB, services.SendEmailArgs{}.Kind(), "completed/1")
		})
	}
}

// A message that can never be sent is cancelled after one attempt, not retried.
func TestUnsendableMailIsCancelled(t *testing.T) {
	d := services.DatabasesWithURLs(t)["sqlite"]
	var attempts atomic.Int32
	mailer := mailerFunc(func(ctx context.Context, e models.Email) error {
		attempts.Add(1)
		return e.Validate()
	})
	jobs := newJobs(t, d, services.JobsConfig{Workers: []services.JobWorker{services.SendEmailWorker(mailer)}})
	startJobs(t, jobs)
	if err := jobs.QueueEmail(context.Background(), d.DB, models.Email{To: "not an address"}); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("QueueEmail of an invalid message: %v, want EINVALID", err)
	}
	// Past QueueEmail's check (a message queued by an older release, say).
	if err := jobs.Enqueue(context.Background(), d.DB, services.SendEmailArgs{Email: models.Email{To: "not an address"}}); err != nil {
		t.Fatal(err)
	}
	waitForJobState(t, d.DB, services.SendEmailArgs{}.Kind(), "cancelled/1")
	if n := attempts.Load(); n != 1 {
		t.Fatalf("%d attempts, want 1", n)
	}
}

type mailerFunc func(ctx context.Context, e models.Email) error

func (f mailerFunc) Send(ctx context.Context, e models.Email) error { return f(ctx, e) }
