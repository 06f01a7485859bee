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
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

type options struct {
	app, databaseURL, redisURL, redisPrefix, out, work string
	pgPID, redisPID                                    int
	sutCPU, clientCPU                                  int // -1: not pinned
	gomaxprocs, rounds, cpus                           int
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
	flag.StringVar(&o.out, "out", "bench/results/latest.md", "where the Markdown report goes")
	flag.StringVar(&o.work, "work", os.TempDir(), "scratch directory")
	flag.Parse()
	log.SetFlags(log.Ltime)
	log.SetPrefix("bench: ")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	if err := run(ctx, o); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	log.Print("seeding 1,000 products from 50 sellers and the known user")
	minID, maxID, err := seed(ctx, o.databaseURL)
	if err != nil {
		return err
	}
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
	app, err := startApp(o, port)
	if err != nil {
		return err
	}
	defer app.stop()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cl := newClient(base, "sid")
	readyCtx, cancelReady := context.WithTimeout(ctx, 30*time.Second)
	defer cancelReady()
	if err := cl.waitReady(readyCtx); err != nil {
		return errors.Join(err, app.exitErr())
	}
	session, err := cl.login()
	if err != nil {
		return err
	}
	if err := cl.checkPages(session, minID); err != nil {
		return err
	}

	b := &bench{o: o, cl: cl, base: base, app: app, session: session, hash: hash, hasher: hasher,
		idEnv: []string{"BENCH_ID_MIN=" + strconv.FormatInt(minID, 10), "BENCH_ID_MAX=" + strconv.FormatInt(maxID, 10)}}
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

type appProcess struct {
	cmd  *exec.Cmd
	done chan error
}

// loginLimit is far above anything the run can reach: scenario e logs in a few
// hundred times a second from one IP, which the real limits (failures only, 10
// per 3 minutes) would not throttle either, but a huge limit removes all doubt.
const loginLimit = "100000000/1m"

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
	)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &appProcess{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	return p, nil
}

func (p *appProcess) pid() int { return p.cmd.Process.Pid }

// exitErr reports an early exit of the app, if it happened.
func (p *appProcess) exitErr() error {
	select {
	case err := <-p.done:
		return fmt.Errorf("app exited: %v", err)
	default:
		return nil
	}
}

// stop ends the app gracefully, then for sure.
func (p *appProcess) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}
