package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Housekeeping removes what nothing can use any more: expired account links,
// webhook event ids past any redelivery, stored pictures no image names. main queues it every HousekeepingEvery
// (JobsConfig.Periodic); each task deletes by age, so running it twice, or on
// two instances at once, does no harm.
type Housekeeping struct{}

// HousekeepingEvery is how often the housekeeping job runs.
const HousekeepingEvery = time.Hour

// Kind names the job in River's table; it must never change.
func (Housekeeping) Kind() string { return "housekeeping" }

// HousekeepingTask is one table's clean-up: it returns how many rows it removed.
type HousekeepingTask struct {
	Name string
	Run  func(ctx context.Context) (int64, error)
}

// HousekeepingWorker works the housekeeping job: every task runs even when an
// earlier one fails, and the job fails (and is retried) if any did.
func HousekeepingWorker(log *slog.Logger, tasks ...HousekeepingTask) JobWorker {
	return WorkJob(func(ctx context.Context, _ Housekeeping) error {
		var errs []error
		for _, task := range tasks {
			n, err := task.Run(ctx)
			if err != nil {
				errs = append(errs, fmt.Errorf("housekeeping: %s: %w", task.Name, err))
				continue
			}
			if n > 0 {
				log.InfoContext(ctx, "housekeeping", "task", task.Name, "removed", n)
			}
		}
		return errors.Join(errs...)
	})
}
