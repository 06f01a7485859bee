package services_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/storefront/storefront/services"
)

// The housekeeping job is queued when the workers start (not an hour later),
// runs every task even when one fails, and a failure retries the whole job.
func TestHousekeepingRunsAtStartAndRetriesFailures(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ran := make(chan string, 10)
			failures := 1
			tasks := []services.HousekeepingTask{
				{Name: "flaky", Run: func(context.Context) (int64, error) {
					ran <- "flaky"
					if failures > 0 { // only this worker goroutine touches it
						failures--
						return 0, errors.New("database said no")
					}
					return 1, nil
				}},
				{Name: "steady", Run: func(context.Context) (int64, error) { ran <- "steady"; return 0, nil }},
			}
			jobs := newJobs(t, d, services.JobsConfig{
				RetryDelay: func(int) time.Duration { return 10 * time.Millisecond },
				Workers:    []services.JobWorker{services.HousekeepingWorker(slog.New(slog.DiscardHandler), tasks...)},
				Periodic:   []services.PeriodicJob{{Every: services.HousekeepingEvery, Args: services.Housekeeping{}}},
			})
			startJobs(t, jobs)
			for i, want := range []string{"flaky", "steady", "flaky", "steady"} {
				if got := receive(t, ran, want); got != want {
					t.Fatalf("task run %d: %s, want %s", i+1, got, want)
				}
			}
			waitForJobState(t, d.DB, services.Housekeeping{}.Kind(), "completed/2")
		})
	}
}

// Webhook event ids are kept for WebhookEventRetention, then removed.
func TestDeleteOldWebhookEvents(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			now := time.Now().UTC()
			s.exec("INSERT INTO processed_webhook_events (provider, event_id, processed_at) VALUES (?, ?, ?), (?, ?, ?)",
				"stripe", "evt_old", now.Add(-services.WebhookEventRetention-time.Hour),
				"stripe", "evt_recent", now.Add(-services.WebhookEventRetention+time.Hour))
			n, err := s.orders.DeleteOldWebhookEvents(s.ctx)
			if err != nil || n != 1 {
				t.Fatalf("deleted %d, %v; want 1", n, err)
			}
			if left := s.count("SELECT COUNT(*) FROM processed_webhook_events WHERE event_id = 'evt_recent'"); left != 1 {
				t.Fatalf("recent event ids left: %d, want 1", left)
			}
		})
	}
}
