package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/storefront/storefront/services"
)

// startWorkers starts working background jobs (once migrations are applied),
// retrying while the database does not answer, until ctx ends.
func startWorkers(ctx context.Context, log *slog.Logger, jobs *services.Jobs, kinds int) {
	if kinds == 0 {
		log.Info("job workers not started: no kinds of job registered")
		return
	}
	if retryUntilDone(ctx, log, "job workers not started", jobs.Start) == nil {
		log.Info("job workers started", "kinds", kinds)
	}
}

// stopWorkers stops fetching jobs and lets the ones in flight finish within
// timeout (SHUTDOWN_TIMEOUT, the in-flight requests' budget, spent in parallel
// with them); jobs still running then are cancelled and retried later, by this
// instance's next start or another instance. The channel closes when it is done.
func stopWorkers(log *slog.Logger, jobs *services.Jobs, timeout time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := jobs.Stop(ctx); err != nil {
			log.Warn("job workers stopped", "error", err)
		}
	}()
	return done
}
