// Command run is the driver behind `make bench` (scripts/bench.sh starts the
// PostgreSQL and Redis it measures against): it seeds the fixed data set, starts
// the app binary, drives it with wrk in interleaved rounds (performance guide
// §A.6), and prints and writes a Markdown table of ratios to the plaintext ceiling.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

type options struct {
	app, databaseURL, redisURL, redisPrefix, out, work string
	only                                               string // scenario keys to keep (-only)
	pgPID, redisPID                                    int
	sutCPU, clientCPU                                  int // -1: not pinned
	gomaxprocs, rounds, cpus                           int
	products, sellers                                  int
	search                                             bool
	warmup, duration                                   time.Duration
	profile                                            time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.app, "app", "", "the storefront binary to measure")
	flag.StringVar(&o.databaseURL, "database-url", "", "PostgreSQL URL of an empty database")
	flag.StringVar(&o.redisURL, "redis-url", "", "Redis URL")
	flag.StringVar(&o.redisPrefix, "redis-prefix", "storefront-bench:", "Redis key prefix")
	flag.IntVar(&o.pgPID, "pg-pid", 0, "PostgreSQL postmaster pid (CPU accounting)")
	flag.IntVar(&o.redisPID, "redis-pid", 0, "Redis pid (CPU accounting)")
	flag.IntVar(&o.sutCPU, "sut-cpu", -1, "CPU the app runs on (-1: not pinned)")
	flag.IntVar(&o.clientCPU, "client-cpu", -1, "CPU wrk runs on (-1: not pinned)")
	flag.IntVar(&o.gomaxprocs, "gomaxprocs", runtime.NumCPU(), "the app's GOMAXPROCS")
	flag.IntVar(&o.rounds, "rounds", 5, "interleaved rounds")
	flag.IntVar(&o.cpus, "cpus", runtime.NumCPU(), "the machine's CPUs (nproc --all; NumCPU sees only the pinned one)")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up per scenario and round")
	flag.DurationVar(&o.duration, "duration", 8*time.Second, "measured time per scenario and round")
	flag.DurationVar(&o.profile, "profile", 5*time.Second, "CPU profile per scenario after the rounds (0: none)")
	flag.IntVar(&o.products, "products", 1000, "products in the catalogue (100000 for the search at scale)")
	flag.IntVar(&o.sellers, "sellers", 0, "sellers they come from (0: one per 50 products)")
	flag.BoolVar(&o.search, "search", false, "also measure the search scenarios g-j (GET /products?q=...)")
	flag.StringVar(&o.only, "only", "", "comma-separated scenario keys to measure (plaintext a is always kept: the ratios need it); empty: all")
	flag.StringVar(&o.out, "out", "bench/results/latest.md", "where the Markdown report goes")
	flag.StringVar(&o.work, "work", os.TempDir(), "scratch directory")
	flag.Parse()
	if o.sellers <= 0 {
		o.sellers = max(1, o.products/50)
	}
	log.SetFlags(log.Ltime)
	log.SetPrefix("bench: ")
	// Bounded: the search scenarios (and seeding 100,000 products) take longer.
	limit := 15 * time.Minute
	if o.search || o.products > 10_000 {
		limit = 30 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := run(ctx, o); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	log.Printf("seeding %d products from %d sellers and the known user", o.products, o.sellers)
	started := time.Now()
	cat, err := seed(ctx, o.databaseURL, o.products, o.sellers)
	if err != nil {
		return err
	}
	log.Printf("seeded in %v", time.Since(started).Round(100*time.Millisecond))
	hasher, err := newHashTimer(ctx)
	if err != nil {
		return err
	}
	hash, wall, err := hasher.measure(ctx, 15)
	if err != nil {
		return err
	}
	log.Printf("argon2id verify: %v CPU (%v wall, median of 15)", hash.Round(100*time.Microsecond), wall.Round(100*time.Microsecond))

	port, err := freePort()
	if err != nil {
		return err
	}
	readyCtx, cancelReady := context.WithTimeout(ctx, 30*time.Second)
	defer cancelReady()
	app, cl, err := launch(readyCtx, o, port)
	if err != nil {
		return err
	}
	defer app.stop()
	base := cl.base
	session, err := cl.login()
	if err != nil {
		return err
	}
	if err := cl.checkPages(session, cat.MinProductID, o.products, o.search); err != nil {
		return err
	}
	csrf, err := cl.csrfToken(session)
	if err != nil {
		return err
	}
	if err := writeSearchQueries(o.work); err != nil {
		return err
	}

	list := onlyScenarios(scenarios(o.search), o.only)
	for i := range list {
		list[i].path = strings.ReplaceAll(list[i].path, "{gallery}", strconv.FormatInt(cat.MinProductID, 10))
	}
	b := &bench{o: o, cl: cl, base: base, app: app, session: session, hash: hash, hasher: hasher,
		scenarios: list,
		// Scenario d spreads over 1,000 products at any catalogue size, so its
		// figures stay comparable (they measure the detail page, not its cache's size).
		env: []string{"BENCH_ID_MIN=" + strconv.FormatInt(cat.MinProductID, 10),
			"BENCH_ID_MAX=" + strconv.FormatInt(min(cat.MaxProductID, cat.MinProductID+999), 10),
			"BENCH_SESSION=" + session, "BENCH_CSRF=" + csrf}}
	if err := b.rounds(ctx); err != nil {
		return err
	}
	if o.profile > 0 {
		if err := b.profiles(ctx); err != nil {
			return err
		}
	}
	report := b.report()
	fmt.Print(report)
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
		return err
	}
	log.Printf("wrote %s", o.out)
	if b.failed() {
		return errors.New("errors during the run (socket errors, non-2xx responses or Redis writes by guests): see the table")
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// appProcess is the app under test, running.
type appProcess struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, valid once done is closed
	out  *tailWriter   // the end of its output, for error messages
}

// loginLimit is far above anything the run can reach: scenario e logs in a few
// hundred times a second from one IP, which the real limits (failures only, 10
// per 3 minutes) would not throttle either, but a huge limit removes all doubt.
const loginLimit = "100000000/1m"

// launch starts the app on port and waits until it is ready. If the app exits
// first (a bad setting, a port in use), it fails at once with the app's last
// lines of output; if ctx ends first, it stops the app.
func launch(ctx context.Context, o options, port int) (*appProcess, *client, error) {
	app, err := startApp(o, port)
	if err != nil {
		return nil, nil, err
	}
	cl := newClient("http://127.0.0.1:"+strconv.Itoa(port), "sid")
	if err := cl.waitReady(ctx, app.done); err != nil {
		app.stop()
		return nil, nil, errors.Join(err, app.exitErr())
	}
	return app, cl, nil
}

func startApp(o options, port int) (*appProcess, error) {
	args := []string{o.app}
	if o.sutCPU >= 0 {
		args = append([]string{"taskset", "-c", strconv.Itoa(o.sutCPU)}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(),
		"ADDR=127.0.0.1:"+strconv.Itoa(port),
		"DATABASE_URL="+o.databaseURL,
		"REDIS_URL="+o.redisURL,
		"REDIS_PREFIX="+o.redisPrefix,
		"APP_ENV=production",
		"COOKIE_SECURE=false",
		"BENCH_ROUTES=true",
		"LOG_LEVEL=warn",
		"SEED_DEMO=false",
		"LOGIN_IP_LIMIT="+loginLimit,
		"LOGIN_ACCOUNT_LIMIT="+loginLimit,
		"GOMAXPROCS="+strconv.Itoa(o.gomaxprocs),
		// Scenario o posts Stripe events; with Stripe, production wants a
		// PUBLIC_URL that is not localhost (only links and emails use it).
		"STRIPE_SECRET_KEY="+benchStripeKey,
		"STRIPE_WEBHOOK_SECRET="+benchStripeSecret,
		"PUBLIC_URL=http://127.0.0.1:"+strconv.Itoa(port),
	)
	out := &tailWriter{max: 4 << 10}
	// One writer for both streams: exec then copies them in one goroutine.
	w := io.MultiWriter(os.Stderr, out)
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &appProcess{cmd: cmd, done: make(chan struct{}), out: out}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *appProcess) pid() int { return p.cmd.Process.Pid }

// exitErr reports an early exit of the app, with its last lines of output, if
// it happened. It can be asked any number of times.
func (p *appProcess) exitErr() error {
	select {
	case <-p.done:
		return fmt.Errorf("app exited (%v); its last output:\n%s", p.err, p.out.String())
	default:
		return nil
	}
}

// stop ends the app gracefully, then for sure; at once if it has already exited.
func (p *appProcess) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
	cut bool // the start was dropped: buf may begin mid-line
}

func (w *tailWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, b...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
		w.cut = true
	}
	return len(b), nil
}

// String is the kept output from its first whole line on.
func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := string(w.buf)
	if w.cut {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	return s
}
