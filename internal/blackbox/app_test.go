package blackbox

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for counting rows
	"github.com/redis/go-redis/v9"

	"github.com/storefront/storefront/internal/testenv"
)

// backends are the PostgreSQL database and Redis key prefix one or more app
// processes of a test share.
type backends struct {
	DatabaseURL string
	RedisURL    string
	RedisPrefix string
}

// sharedBackends gives the test a fresh database and key prefix on the shared
// servers; tests that stop or freeze a server use privateBackends instead.
func sharedBackends(t *testing.T) backends {
	t.Helper()
	b := backends{DatabaseURL: testenv.Postgres(t)}
	b.RedisURL, b.RedisPrefix = testenv.Redis(t)
	return b
}

// app is one storefront process.
type app struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
	addr string // 127.0.0.1:PORT
	logs *logLines
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, valid after done
}

// startApp runs the binary in production mode against b, with env overriding
// the defaults, and returns once it serves pages (migrations applied).
func startApp(t *testing.T, b backends, env map[string]string) *app {
	t.Helper()
	a := listeningApp(t, b, env)
	a.waitServing()
	return a
}

// listeningApp is startApp without waiting for the pages: it returns once the
// process listens, whatever the state of its database.
func listeningApp(t *testing.T, b backends, env map[string]string) *app {
	t.Helper()
	a, listening := launchApp(t, b, env)
	select {
	case a.addr = <-listening:
	case <-a.done:
		t.Fatalf("storefront exited at start-up: %v\n%s", a.err, a.logs.tail(30))
	case <-time.After(20 * time.Second):
		t.Fatalf("storefront did not log its address in 20 s\n%s", a.logs.tail(30))
	}
	a.base = "http://" + a.addr
	return a
}

// launchApp starts the process and returns it with the channel its address
// arrives on once it listens; a.done closes when it exits.
func launchApp(t *testing.T, b backends, env map[string]string) (*app, <-chan string) {
	t.Helper()
	vars := map[string]string{
		"ADDR":         "127.0.0.1:0",
		"APP_ENV":      "production",
		"DATABASE_URL": b.DatabaseURL,
		"REDIS_URL":    b.RedisURL,
		"REDIS_PREFIX": b.RedisPrefix,
		"LOG_LEVEL":    "info",
		// The file store's default is ./data, here the package directory.
		"DATA_DIR": t.TempDir(),
	}
	for k, v := range env {
		vars[k] = v
	}
	cmd := exec.Command(binary)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &logLines{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, cmd: cmd, logs: logs, done: make(chan struct{})}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			logs.add(line)
			var rec struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "storefront listening" {
				select {
				case listening <- rec.Addr:
				default:
				}
			}
		}
		a.err = cmd.Wait()
		close(a.done)
	}()
	t.Cleanup(func() {
		a.stop(syscall.SIGTERM, 15*time.Second)
		if t.Failed() {
			t.Logf("storefront %s log:\n%s", a.addr, logs.tail(60))
		}
	})
	return a, listening
}

// waitServing polls the home page until it answers 200 (the schema is migrated
// in the background), within a bound.
func (a *app) waitServing() {
	a.t.Helper()
	hc := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := hc.Get(a.base + "/products")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("storefront not serving after 30 s (last: %v %v)\n%s", err, res, a.logs.tail(30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends sig and waits up to timeout for the exit (then kills). It returns
// how long the exit took and the exit error; a second call returns at once.
func (a *app) stop(sig syscall.Signal, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	select {
	case <-a.done:
		return 0, a.err
	default:
	}
	_ = a.cmd.Process.Signal(sig)
	select {
	case <-a.done:
		return time.Since(start), a.err
	case <-time.After(timeout):
		_ = a.cmd.Process.Kill()
		<-a.done
		return time.Since(start), fmt.Errorf("did not exit within %v after %v (killed)", timeout, sig)
	}
}

// logLines collects the process's output lines.
type logLines struct {
	mu    sync.Mutex
	lines []string
	part  string
}

func (l *logLines) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
}

// Write collects stderr, split into lines.
func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.part += string(p)
	for {
		i := strings.IndexByte(l.part, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, l.part[:i])
		l.part = l.part[i+1:]
	}
	return len(p), nil
}

func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func (l *logLines) tail(n int) string {
	all := l.all()
	if len(all) > n {
		all = all[len(all)-n:]
	}
	return strings.Join(all, "\n")
}

// records returns the JSON log records whose fields match all of want.
func (l *logLines) records(want map[string]any) []map[string]any {
	var out []map[string]any
	for _, line := range l.all() {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		ok := true
		for k, v := range want {
			if fmt.Sprint(rec[k]) != fmt.Sprint(v) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, rec)
		}
	}
	return out
}

// openSQL connects the test itself to the app's database, for counting rows.
func openSQL(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func countRows(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var n int
	if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// openRedis connects the test itself to the app's Redis, for inspecting keys.
func openRedis(t *testing.T, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// redisKeys lists the keys under prefix.
func redisKeys(t *testing.T, rdb *redis.Client, prefix string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var keys []string
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("scan %s*: %v", prefix, err)
	}
	return keys
}

func redisExists(t *testing.T, rdb *redis.Client, key string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := rdb.Exists(ctx, key).Result()
	if err != nil {
		t.Fatalf("exists %s: %v", key, err)
	}
	return n == 1
}
