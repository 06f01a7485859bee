package services

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"github.com/uptrace/bun"
)

// Background jobs run on River (github.com/riverqueue/river) on both databases.
// A job is a row in River's tables, inserted in the transaction of the change
// that causes it: it exists exactly when that change does, and runs after the
// commit, with retries, in whichever instance has workers.
//
//   - PostgreSQL: workers use River's pgx driver on a small pool of their own
//     (LISTEN/NOTIFY wakes them at once), so queue traffic never waits for, or
//     takes, the connections that serve pages. Jobs are inserted through River's
//     database/sql driver on the app's own connection, inside the caller's bun
//     transaction.
//   - SQLite (the embedded default): River's SQLite driver on the app's one
//     connection, for inserting and working alike. A second handle on the same
//     file would be a second writer, which SQLite answers with SQLITE_BUSY or a
//     wait behind the app's immediate transactions; on the one connection River's
//     statements simply take turns with the app's (TestJobsUnderConcurrentWrites).
//
// Handlers never see River: services enqueue through Jobs.Enqueue, and main
// registers the workers. Adding a kind of job is an args type with a Kind
// method, a function that works it (WorkJob), and one line in main.

// JobArgs are one kind of job's arguments, stored as JSON. Kind names the kind in
// the database: it must never change once jobs of that kind may exist.
type JobArgs interface {
	Kind() string
}

// JobWorker works one kind of job. Build it with WorkJob.
type JobWorker struct {
	add func(*river.Workers) error
}

// WorkJob returns the worker for jobs whose arguments are T. work runs once per
// attempt with the job's deadline in ctx (a minute by default). An error fails
// the attempt and the job is retried later with growing delays (River's default:
// attempt⁴ seconds, 1 s, 16 s, 81 s …, up to 25 attempts), so work must be safe to
// run again. A job in flight at shutdown gets SHUTDOWN_TIMEOUT to finish; after
// that its ctx is cancelled and it is retried later.
func WorkJob[T JobArgs](work func(ctx context.Context, args T) error) JobWorker {
	return JobWorker{add: func(w *river.Workers) error {
		return river.AddWorkerSafely(w, river.WorkFunc(func(ctx context.Context, job *river.Job[T]) error {
			return work(ctx, job.Args)
		}))
	}}
}

// JobsConfig configures Jobs.
type JobsConfig struct {
	// DatabaseURL is the app's DATABASE_URL: on PostgreSQL the workers open their
	// own small pool from it.
	DatabaseURL string
	// Workers are the kinds of job this app knows; enqueueing any other kind fails.
	Workers []JobWorker
	Log     *slog.Logger
	// MaxWorkers is how many jobs one instance works at once (default 10).
	MaxWorkers int
	// RetryDelay, when set, replaces River's retry schedule: the wait after
	// failed attempt n (1-based). Tests use it to retry at once.
	RetryDelay func(attempt int) time.Duration
	// Periodic are jobs queued on a schedule. Only the elected leader among the
	// instances with workers queues them, once per interval and once at its
	// start (River's RunOnStart: a leader elected more often than the interval
	// must still run them), so their work must be safe to repeat.
	Periodic []PeriodicJob
}

// PeriodicJob is a job queued every Every, with Args.
type PeriodicJob struct {
	Every time.Duration
	Args  JobArgs
}

// Jobs queues background jobs and, once started, works them.
type Jobs struct {
	// inserter writes jobs into the caller's bun transaction (*sql.Tx).
	inserter *river.Client[*sql.Tx]
	// runner fetches and works jobs. On SQLite it is the inserter itself.
	runner interface {
		Start(context.Context) error
		Stop(context.Context) error
	}
	pool  *pgxpool.Pool // the runner's pool on PostgreSQL; nil on SQLite
	kinds int

	// life is the workers' lifetime: River cancels the jobs in flight when it
	// ends, so only Stop ends it (endLife), never SIGTERM's context.
	life    context.Context
	endLife context.CancelFunc
	// mu makes Stop wait for a Start in progress; stopped refuses later Starts.
	mu      sync.Mutex
	stopped atomic.Bool
}

// jobsPoolConns sizes the workers' PostgreSQL pool: fetching, completing and
// River's maintenance need a few connections (its LISTEN connection is taken out
// of the pool); the jobs themselves query through the app's pool.
const jobsPoolConns = 4

// NewJobs returns the job queue on db. It connects to nothing yet: enqueueing
// works at once, and workers run only after Start.
func NewJobs(db *bun.DB, cfg JobsConfig) (*Jobs, error) {
	workers := river.NewWorkers()
	for _, w := range cfg.Workers {
		if err := w.add(workers); err != nil {
			return nil, fmt.Errorf("jobs: %w", err) // a kind registered twice
		}
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	config := func(work bool) *river.Config {
		c := &river.Config{Workers: workers, Logger: log.With("component", "jobs")}
		if cfg.RetryDelay != nil {
			c.RetryPolicy = retryAfter(cfg.RetryDelay)
		}
		if work {
			c.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp.Or(cfg.MaxWorkers, 10)}}
			for _, p := range cfg.Periodic {
				c.PeriodicJobs = append(c.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(p.Every),
					func() (river.JobArgs, *river.InsertOpts) { return p.Args, nil },
					&river.PeriodicJobOpts{ID: p.Args.Kind(), RunOnStart: true}))
			}
		}
		return c
	}
	j := &Jobs{kinds: len(cfg.Workers)}
	j.life, j.endLife = context.WithCancel(context.Background())

	if DialectName(db) == "sqlite" {
		client, err := river.NewClient(riversqlite.New(db.DB), config(true))
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		j.inserter, j.runner = client, client
		return j, nil
	}

	inserter, err := river.NewClient(riverdatabasesql.New(db.DB), config(false))
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	poolConfig, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("jobs: parse DATABASE_URL: invalid URL")
	}
	poolConfig.MaxConns = jobsPoolConns
	// The page pool is application_name "storefront" (or the URL's own name);
	// this one carries "-jobs" after it, to tell them apart in pg_stat_activity.
	params := poolConfig.ConnConfig.RuntimeParams
	params["application_name"] = cmp.Or(params["application_name"], "storefront") + "-jobs"
	poolConfig.MinConns = 0
	if poolConfig.ConnConfig.ConnectTimeout == 0 { // as the app's own pool (OpenDB)
		poolConfig.ConnConfig.ConnectTimeout = 2 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), poolConfig)
	if err != nil {
		return nil, fmt.Errorf("jobs: open pool: %w", err)
	}
	runner, err := river.NewClient(riverpgxv5.New(pool), config(true))
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	j.inserter, j.runner, j.pool = inserter, runner, pool
	return j, nil
}

// Enqueue queues a job in db, which should be the transaction of the change that
// causes the job (see InTx): the job commits with it, and a rollback removes it
// before any worker could see it. Given the database itself, the job is queued
// on its own. An unknown kind is an error, as is a database that does not answer.
func (j *Jobs) Enqueue(ctx context.Context, db bun.IDB, args JobArgs) error {
	return j.insert(ctx, db, args, nil)
}

// EnqueueAt is Enqueue for a job that must not run before at (a checkout's hold
// expiring, say); a time in the past runs it at once.
func (j *Jobs) EnqueueAt(ctx context.Context, db bun.IDB, args JobArgs, at time.Time) error {
	return j.insert(ctx, db, args, &river.InsertOpts{ScheduledAt: at})
}

func (j *Jobs) insert(ctx context.Context, db bun.IDB, args JobArgs, opts *river.InsertOpts) error {
	err := InTx(ctx, db, func(ctx context.Context, tx bun.Tx) error {
		_, err := j.inserter.InsertTx(ctx, tx.Tx, args, opts)
		return err
	})
	return dbError("jobs: enqueue "+args.Kind(), err)
}

// ErrJobsCancelled is Stop's answer when jobs were still running at its deadline
// and had to be cancelled; River retries them later.
var ErrJobsCancelled = errors.New("jobs: cancelled the jobs still running at the shutdown deadline; they will be retried")

// jobsCancelGrace is how long Stop waits for cancelled jobs to return.
const jobsCancelGrace = 2 * time.Second

// Start starts working jobs in the background, until Stop. It needs the database
// (River's tables, see Migrate) and fails if it does not answer. Calling it again
// after a success, or at all after Stop, does nothing; so does a Start with no
// kinds of job registered, as there is nothing to work.
func (j *Jobs) Start(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.stopped.Load() || j.kinds == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := j.runner.Start(j.life); err != nil {
		return dbError("jobs: start", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for the ones in flight to finish, until ctx
// ends; then it cancels them, waits a moment for them to return, and reports
// ErrJobsCancelled. It also ends a Start that is still waiting for the database.
func (j *Jobs) Stop(ctx context.Context) error {
	j.stopped.Store(true)
	// River's graceful stop; it also cancels a Start that River has begun.
	timedOut := j.runner.Stop(ctx) != nil // only ctx ends it early
	// Ending the workers' lifetime cancels the jobs still running past the
	// deadline, and makes a Start that began after the graceful stop looked fail
	// at once; mu waits for such a Start, and the second Stop for both to finish.
	j.endLife()
	j.mu.Lock()
	defer j.mu.Unlock()
	graceCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jobsCancelGrace)
	defer cancel()
	if err := j.runner.Stop(graceCtx); err != nil {
		return fmt.Errorf("jobs: cancelled jobs did not return within %v: %w", jobsCancelGrace, err)
	}
	if timedOut {
		return ErrJobsCancelled
	}
	return nil
}

// Close releases the workers' pool. Call it after Stop.
func (j *Jobs) Close() {
	if j.pool != nil {
		j.pool.Close()
	}
}

// retryAfter is a River retry policy from a delay per attempt.
type retryAfter func(attempt int) time.Duration

func (r retryAfter) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(r(job.Attempt))
}
