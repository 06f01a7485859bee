package services_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// noteJob is a test job that names itself.
type noteJob struct {
	Note string `json:"note"`
}

func (noteJob) Kind() string { return "test_note" }

// otherJob is a second kind, registered by no worker in some tests.
type otherJob struct{}

func (otherJob) Kind() string { return "test_other" }

// newJobs builds Jobs on d with the workers given, stopped and closed when the test ends.
func newJobs(t *testing.T, d services.DatabaseWithURL, cfg services.JobsConfig) *services.Jobs {
	t.Helper()
	cfg.DatabaseURL = d.URL
	jobs, err := services.NewJobs(d.DB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := jobs.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
		jobs.Close()
	})
	return jobs
}

func startJobs(t *testing.T, jobs *services.Jobs) {
	t.Helper()
	if err := jobs.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// receive waits for a value from ch, failing the test after a generous deadline
// (a stuck queue, not a slow one).
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s within 30 s", what)
		panic("unreachable")
	}
}

// jobRows returns the state and attempt count of each job of the kind.
func jobRows(t *testing.T, db bun.IDB, kind string) []string {
	t.Helper()
	var rows []struct {
		State   string `bun:"state"`
		Attempt int    `bun:"attempt"`
	}
	if err := db.NewSelect().TableExpr("river_job").Column("state", "attempt").Where("kind = ?", kind).OrderExpr("id").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s/%d", r.State, r.Attempt))
	}
	return out
}

// One business operation — an account, its product (and the catalogue version)
// and a queued job — commits as a whole, or leaves nothing behind when a step
// fails half-way: a Go error after the writes, or a statement the database
// refuses after them.
func TestInTxFailingHalfWayLeavesNothing(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			accounts := services.NewAccounts(d.DB, services.FastHasher(t))
			catalog := services.NewCatalog(d.DB)
			jobs := newJobs(t, d, services.JobsConfig{Workers: []services.JobWorker{
				services.WorkJob(func(context.Context, noteJob) error { return nil }),
			}})
			errDeclined := errors.New("payment declined")

			type counts struct {
				users, products, jobs int
				version               string
			}
			count := func() counts {
				t.Helper()
				u, err1 := accounts.CountUsers(ctx)
				p, err2 := catalog.CountProducts(ctx)
				j, err3 := d.DB.NewSelect().TableExpr("river_job").Count(ctx)
				v, err4 := catalog.Version(ctx)
				if err := errors.Join(err1, err2, err3, err4); err != nil {
					t.Fatal(err)
				}
				return counts{int(u), int(p), int(j), v}
			}

			operation := func(i int, lastStep func(ctx context.Context, tx bun.Tx) error) error {
				return services.InTx(ctx, d.DB, func(ctx context.Context, tx bun.Tx) error {
					seller, err := accounts.WithTx(tx).SignUp(ctx, models.Credentials{
						Email: fmt.Sprintf("tx%d@example.com", i), Password: "a perfectly fine password"})
					if err != nil {
						return err
					}
					if _, err := catalog.WithTx(tx).CreateProduct(ctx, seller.ID, models.ProductInput{Name: "Teapot", Price: "20"}); err != nil {
						return err
					}
					if err := jobs.Enqueue(ctx, tx, noteJob{Note: "welcome"}); err != nil {
						return err
					}
					return lastStep(ctx, tx)
				})
			}

			before := count()
			for i, failure := range []struct {
				name string
				step func(ctx context.Context, tx bun.Tx) error
			}{
				{"go error", func(context.Context, bun.Tx) error { return errDeclined }},
				{"refused statement", func(ctx context.Context, tx bun.Tx) error {
					_, err := catalog.WithTx(tx).CreateProduct(ctx, 987654, models.ProductInput{Name: "No such seller", Price: "1"})
					return err
				}},
			} {
				err := operation(i, failure.step)
				if err == nil {
					t.Fatalf("%s: the operation succeeded", failure.name)
				}
				if i == 0 && !errors.Is(err, errDeclined) {
					t.Fatalf("%s: error %v, want the step's own", failure.name, err)
				}
				if after := count(); after != before {
					t.Fatalf("%s: a failed operation left %+v behind (before: %+v)", failure.name, after, before)
				}
			}

			// The same operation without the failing step commits every part.
			if err := operation(0, func(context.Context, bun.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
			after := count()
			if after.users != before.users+1 || after.products != before.products+1 || after.jobs != before.jobs+1 || after.version == before.version {
				t.Fatalf("committed operation: %+v, before %+v", after, before)
			}
		})
	}
}

// A job enqueued in a transaction that rolls back never runs: a job enqueued
// after it, in a transaction that commits, runs, and with one worker the first
// one would have run before it.
func TestJobInRolledBackTransactionNeverRuns(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			worked := make(chan string, 10)
			jobs := newJobs(t, d, services.JobsConfig{MaxWorkers: 1, Workers: []services.JobWorker{
				services.WorkJob(func(_ context.Context, j noteJob) error { worked <- j.Note; return nil }),
			}})
			startJobs(t, jobs)

			errRollback := errors.New("roll back")
			err := services.InTx(ctx, d.DB, func(ctx context.Context, tx bun.Tx) error {
				if err := jobs.Enqueue(ctx, tx, noteJob{Note: "rolled back"}); err != nil {
					return err
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("InTx = %v", err)
			}
			err = services.InTx(ctx, d.DB, func(ctx context.Context, tx bun.Tx) error {
				return jobs.Enqueue(ctx, tx, noteJob{Note: "committed"})
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := receive(t, worked, "worked job"); got != "committed" {
				t.Fatalf("worked %q first, want the committed job", got)
			}
			select {
			case got := <-worked:
				t.Fatalf("another job ran: %q", got)
			default:
			}
			if rows := jobRows(t, d.DB, noteJob{}.Kind()); len(rows) != 1 {
				t.Fatalf("job rows %v, want only the committed one", rows)
			}
		})
	}
}

// A job whose first attempt fails is retried, and completes when the retry
// succeeds. (The test's retry delay is short; River's default starts at 1 s.)
func TestFailedJobIsRetried(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			attempts := make(chan int, 10)
			var mu sync.Mutex
			n := 0
			jobs := newJobs(t, d, services.JobsConfig{
				RetryDelay: func(int) time.Duration { return 10 * time.Millisecond },
				Workers: []services.JobWorker{services.WorkJob(func(context.Context, noteJob) error {
					mu.Lock()
					n++
					attempt := n
					mu.Unlock()
					attempts <- attempt
					if attempt == 1 {
						return fmt.Errorf("mail server said no (attempt %d)", attempt)
					}
					return nil
				})},
			})
			startJobs(t, jobs)
			if err := jobs.Enqueue(context.Background(), d.DB, noteJob{Note: "flaky"}); err != nil {
				t.Fatal(err)
			}
			for want := 1; want <= 2; want++ {
				if got := receive(t, attempts, fmt.Sprintf("attempt %d", want)); got != want {
					t.Fatalf("attempt %d, want %d", got, want)
				}
			}
			waitForJobState(t, d.DB, noteJob{}.Kind(), "completed/2")
		})
	}
}

// waitForJobState polls the job's row until it reads want ("state/attempt"):
// River records a finished attempt just after the worker returns.
func waitForJobState(t *testing.T, db bun.IDB, kind, want string) {
	t.Helper()
	var rows []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rows = jobRows(t, db, kind); len(rows) == 1 && rows[0] == want {
			return
		}
	}
	t.Fatalf("job rows %v, want [%s]", rows, want)
}

// Stop (on SIGTERM) waits for the job in flight, which finishes with its context
// intact and is recorded as completed.
func TestJobsStopFinishesJobInFlight(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			started, release, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			jobs := newJobs(t, d, services.JobsConfig{Workers: []services.JobWorker{
				services.WorkJob(func(ctx context.Context, _ noteJob) error {
					close(started)
					<-release
					finished <- ctx.Err()
					return nil
				}),
			}})
			startJobs(t, jobs)
			if err := jobs.Enqueue(context.Background(), d.DB, noteJob{Note: "slow"}); err != nil {
				t.Fatal(err)
			}
			receive(t, started, "job start")

			stopped := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				stopped <- jobs.Stop(ctx)
			}()
			select {
			case err := <-stopped:
				t.Fatalf("Stop returned (%v) while a job was in flight", err)
			default:
			}
			close(release)
			if err := receive(t, finished, "job end"); err != nil {
				t.Fatalf("the job's context ended during a graceful stop: %v", err)
			}
			if err := receive(t, stopped, "Stop"); err != nil {
				t.Fatalf("Stop = %v", err)
			}
			if rows := jobRows(t, d.DB, noteJob{}.Kind()); len(rows) != 1 || rows[0] != "completed/1" {
				t.Fatalf("after Stop the job is %v, want [completed/1]", rows)
			}
			// A stopped queue does not start again.
			if err := jobs.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// SIGTERM while the workers are still starting against a database that does
// not answer: Stop ends that Start instead of waiting for it, and no Start works
// after Stop.
func TestJobsStopEndsStartOnFrozenDatabase(t *testing.T) {
	srv := testenv.StartPostgres(t)
	url := srv.CreateDatabase(t)
	db, err := services.OpenDB(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := services.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	jobs := newJobs(t, services.DatabaseWithURL{DB: db, URL: url}, services.JobsConfig{Workers: []services.JobWorker{
		services.WorkJob(func(context.Context, noteJob) error { return nil }),
	}})
	srv.Pause(t)
	t.Cleanup(func() { srv.Resume(t) })

	started := make(chan error, 1)
	go func() { started <- jobs.Start(context.Background()) }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := jobs.Stop(ctx); err != nil {
		t.Fatalf("Stop = %v", err)
	}
	receive(t, started, "the end of Start")
	srv.Resume(t)
	if err := jobs.Start(context.Background()); err != nil {
		t.Fatalf("Start after Stop = %v, want nothing done", err)
	}
}

// When Stop's deadline passes with a job still running, the job's context is
// cancelled, Stop says so, and the job stays queued to be retried.
func TestJobsStopCancelsAtDeadline(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			started, ended := make(chan struct{}), make(chan error, 1)
			jobs := newJobs(t, d, services.JobsConfig{Workers: []services.JobWorker{
				services.WorkJob(func(ctx context.Context, _ noteJob) error {
					close(started)
					<-ctx.Done()
					ended <- ctx.Err()
					return ctx.Err()
				}),
			}})
			startJobs(t, jobs)
			if err := jobs.Enqueue(context.Background(), d.DB, noteJob{Note: "stuck"}); err != nil {
				t.Fatal(err)
			}
			receive(t, started, "job start")
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the shutdown deadline has passed
			if err := jobs.Stop(ctx); !errors.Is(err, services.ErrJobsCancelled) {
				t.Fatalf("Stop = %v, want ErrJobsCancelled", err)
			}
			if err := receive(t, ended, "job end"); err == nil {
				t.Fatal("the job's context was not cancelled")
			}
			rows := jobRows(t, d.DB, noteJob{}.Kind())
			if len(rows) != 1 || !(strings.HasPrefix(rows[0], "available/") || strings.HasPrefix(rows[0], "retryable/")) {
				t.Fatalf("cancelled job is %v, want it queued for a retry", rows)
			}
		})
	}
}

// An instance without workers (WORKERS=false) enqueues; another instance's
// workers run the job. Unknown kinds are refused at enqueue time.
func TestJobsEnqueuedByWebOnlyInstanceRunElsewhere(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			worked := make(chan string, 1)
			workers := []services.JobWorker{services.WorkJob(func(_ context.Context, j noteJob) error { worked <- j.Note; return nil })}
			web := newJobs(t, d, services.JobsConfig{Workers: workers})
			worker := newJobs(t, d, services.JobsConfig{Workers: workers})
			startJobs(t, worker)

			if err := web.Enqueue(ctx, d.DB, otherJob{}); err == nil {
				t.Fatal("enqueued a kind no worker knows")
			}
			if err := web.Enqueue(ctx, d.DB, noteJob{Note: "from the web"}); err != nil {
				t.Fatal(err)
			}
			if got := receive(t, worked, "worked job"); got != "from the web" {
				t.Fatalf("worked %q", got)
			}
			if rows := jobRows(t, d.DB, otherJob{}.Kind()); len(rows) != 0 {
				t.Fatalf("refused job stored: %v", rows)
			}
		})
	}
}

// Page writes and workers share the database: many concurrent operations, each
// writing a product and queueing a job in one transaction, while the workers'
// jobs write products of their own. Every operation commits, every job runs once,
// and nothing fails with SQLITE_BUSY or a lock wait (on SQLite, River uses the
// app's one connection).
func TestJobsUnderConcurrentWrites(t *testing.T) {
	const operations = 60
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			catalog := services.NewCatalog(d.DB)
			seller, err := services.NewAccounts(d.DB, services.FastHasher(t)).SignUp(ctx,
				models.Credentials{Email: "busy@example.com", Password: "a perfectly fine password"})
			if err != nil {
				t.Fatal(err)
			}
			worked := make(chan string, operations)
			jobs := newJobs(t, d, services.JobsConfig{Workers: []services.JobWorker{
				services.WorkJob(func(ctx context.Context, j noteJob) error {
					if _, err := catalog.CreateProduct(ctx, seller.ID, models.ProductInput{Name: "by job " + j.Note, Price: "1"}); err != nil {
						return err
					}
					worked <- j.Note
					return nil
				}),
			}})
			startJobs(t, jobs)

			began := time.Now()
			var wg sync.WaitGroup
			errs := make(chan error, operations)
			for i := range operations {
				wg.Go(func() {
					errs <- services.InTx(ctx, d.DB, func(ctx context.Context, tx bun.Tx) error {
						if _, err := catalog.WithTx(tx).CreateProduct(ctx, seller.ID, models.ProductInput{Name: fmt.Sprintf("page %d", i), Price: "1"}); err != nil {
							return err
						}
						return jobs.Enqueue(ctx, tx, noteJob{Note: fmt.Sprint(i)})
					})
				})
			}
			wg.Wait()
			written := time.Since(began)
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("operation failed: %v", err)
				}
			}
			seen := map[string]bool{}
			for range operations {
				note := receive(t, worked, "worked job")
				if seen[note] {
					t.Fatalf("job %s ran twice", note)
				}
				seen[note] = true
			}
			if n, err := catalog.CountProducts(ctx); err != nil || n != 2*operations {
				t.Fatalf("%d products (%v), want %d", n, err, 2*operations)
			}
			t.Logf("%d concurrent operations committed in %v, their jobs done %v later", operations,
				written.Round(time.Millisecond), (time.Since(began) - written).Round(time.Millisecond))
		})
	}
}

// River's tables come with the app's migrations, and a second run applies nothing.
func TestMigrateCreatesJobTables(t *testing.T) {
	fresh, err := services.OpenDB(filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	applied, err := services.Migrate(context.Background(), fresh)
	if err != nil || !slices.ContainsFunc(applied, func(name string) bool { return strings.HasPrefix(name, "river 00") }) {
		t.Fatalf("first Migrate applied %v (%v), want River's migrations among them", applied, err)
	}
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := d.DB.NewSelect().TableExpr("river_job").Count(ctx); err != nil {
				t.Fatalf("river_job: %v", err)
			}
			again, err := services.Migrate(ctx, d.DB)
			if err != nil || len(again) != 0 {
				t.Fatalf("second Migrate applied %v (%v), want nothing", again, err)
			}
		})
	}
}

// Two workers for one kind is a wiring mistake, refused at construction.
func TestJobsRefusesAKindRegisteredTwice(t *testing.T) {
	db, err := services.OpenDB(filepath.Join(t.TempDir(), "twice.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	work := services.WorkJob(func(context.Context, noteJob) error { return nil })
	if _, err := services.NewJobs(db, services.JobsConfig{Workers: []services.JobWorker{work, work}}); err == nil {
		t.Fatal("NewJobs accepted two workers for one kind")
	}
}
