package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
)

const (
	localRedisURL = "redis://127.0.0.1:6379"
	keyPrefix     = "storefront-test:"
	// deleteBatch is how many keys are deleted per DEL during prefix cleanup.
	deleteBatch = 500
)

// redisBackend is the Redis server on which callers get key prefixes.
type redisBackend struct {
	url string
	own *redisServer // the throwaway server, if we started one
}

// findRedis picks the server like findPostgres: TEST_REDIS_URL, else the usual
// local server, else a throwaway one.
func findRedis(ctx context.Context, logf func(string, ...any)) (*redisBackend, error) {
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		if err := pingRedis(ctx, u); err != nil {
			return nil, fmt.Errorf("TEST_REDIS_URL: %w", err)
		}
		return &redisBackend{url: u}, nil
	}
	err := pingRedis(ctx, localRedisURL)
	if err == nil {
		return &redisBackend{url: localRedisURL}, nil
	}
	logf("testenv: no usable Redis on 127.0.0.1:6379 (%v); starting a throwaway server", err)
	return startThrowawayRedis(ctx)
}

func startThrowawayRedis(ctx context.Context) (*redisBackend, error) {
	s, err := newRedisServer(ctx)
	if err != nil {
		return nil, err
	}
	return &redisBackend{url: s.url(), own: s}, nil
}

// close stops the throwaway server, if any.
func (b *redisBackend) close() error {
	if b.own == nil {
		return nil
	}
	return b.own.destroy()
}

// newKeyPrefix returns a prefix unique to one caller. It contains no glob
// metacharacters, so it can be used in SCAN MATCH as is.
func newKeyPrefix() string {
	return keyPrefix + randomHex() + ":"
}

// newRedisClient returns a client that fails fast instead of retrying, since it
// is used for probing and cleanup only.
func newRedisClient(rawURL string) (*redis.Client, error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	opts.MaxRetries = -1
	opts.DialerRetries = 1
	opts.ContextTimeoutEnabled = true
	return redis.NewClient(opts), nil
}

func pingRedis(ctx context.Context, rawURL string) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return err
	}
	// go-redis logs every failed dial to stderr, which is noise while probing for a
	// server or waiting for one to start, so reachability is checked first.
	var d net.Dialer
	conn, err := d.DialContext(ctx, opts.Network, opts.Addr)
	if err != nil {
		return err
	}
	conn.Close()
	c, err := newRedisClient(rawURL)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Ping(ctx).Err()
}

// deleteKeys deletes the keys starting with prefix, and no others. Deleting while
// scanning is safe: SCAN still returns every key that existed throughout.
func deleteKeys(ctx context.Context, rawURL, prefix string) error {
	c, err := newRedisClient(rawURL)
	if err != nil {
		return err
	}
	defer c.Close()
	var batch []string
	iter := c.Scan(ctx, 0, prefix+"*", deleteBatch).Iterator()
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == deleteBatch {
			if err := c.Del(ctx, batch...).Err(); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return c.Del(ctx, batch...).Err()
	}
	return nil
}

// redisServer is a throwaway redis-server in a temporary directory.
type redisServer struct {
	dir  string // holds the append-only file and redis.log
	port int
	proc *process // nil while stopped
}

// newRedisServer starts a server on a free port.
func newRedisServer(ctx context.Context) (*redisServer, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, fmt.Errorf("%w; install Redis or set TEST_REDIS_URL", err)
	}
	dir, err := os.MkdirTemp("", "storefront-redis-")
	if err != nil {
		return nil, err
	}
	s := &redisServer{dir: dir}
	if _, err := startOnFreePort(func(port int) error {
		s.port = port
		return s.start(ctx)
	}); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, nil
}

// start runs redis-server on s.port and waits until it answers PING (it answers
// LOADING while replaying the append-only file).
func (s *redisServer) start(ctx context.Context) error {
	if s.proc != nil {
		return errors.New("redis-server is already running")
	}
	cmd := exec.Command("redis-server",
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		// The append-only file keeps data across Stop and Start.
		"--appendonly", "yes",
		"--dir", s.dir,
		"--logfile", "")
	p, err := startProcess(cmd, filepath.Join(s.dir, "redis.log"), nil, syscall.SIGKILL)
	if err != nil {
		return err
	}
	if err := p.waitReady(ctx, func(ctx context.Context) error { return pingRedis(ctx, s.url()) }); err != nil {
		return errors.Join(err, p.stopWithSignal(syscall.SIGKILL, stopTimeout))
	}
	s.proc = p
	return nil
}

// stop saves and shuts the server down with SHUTDOWN SAVE and waits for its exit.
func (s *redisServer) stop() error {
	if s.proc == nil {
		return errors.New("redis-server is not running")
	}
	err := s.proc.stop(s.shutdownSave, stopTimeout)
	s.proc = nil
	return err
}

func (s *redisServer) shutdownSave() error {
	c, err := newRedisClient(s.url())
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := opContext()
	defer cancel()
	// The reply is the closed connection, which go-redis reports as success.
	return c.ShutdownSave(ctx).Err()
}

// destroy stops the server, if running, and deletes its files. SIGTERM makes Redis
// exit promptly without writing a snapshot.
func (s *redisServer) destroy() error {
	var err error
	if s.proc != nil {
		err = s.proc.stopWithSignal(syscall.SIGTERM, stopTimeout)
		s.proc = nil
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *redisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

func (s *redisServer) url() string { return "redis://" + s.addr() }

// RedisServer is a private throwaway redis-server for tests that stop, restart or
// freeze the server. It is deleted when the test ends. Its methods must not be
// called concurrently.
type RedisServer struct {
	srv *redisServer
}

// StartRedis starts a private redis-server on a free 127.0.0.1 port, with
// append-only persistence in a temporary directory so that data survives Stop and
// Start. It is stopped and its files deleted in tb.Cleanup.
func StartRedis(tb testing.TB) *RedisServer {
	tb.Helper()
	srv, err := newRedisServer(context.Background())
	if err != nil {
		tb.Fatalf("testenv: start Redis: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.destroy(); err != nil {
			tb.Errorf("testenv: remove Redis: %v", err)
		}
	})
	return &RedisServer{srv: srv}
}

// URL returns redis://127.0.0.1:PORT.
func (s *RedisServer) URL() string { return s.srv.url() }

// Addr returns 127.0.0.1:PORT.
func (s *RedisServer) Addr() string { return s.srv.addr() }

// Stop shuts the server down with SHUTDOWN SAVE and waits until it has exited.
func (s *RedisServer) Stop(tb testing.TB) {
	tb.Helper()
	if err := s.srv.stop(); err != nil {
		tb.Fatalf("testenv: stop Redis: %v", err)
	}
}

// Start starts the stopped server again on the same port and directory and waits
// until it answers PING.
func (s *RedisServer) Start(tb testing.TB) {
	tb.Helper()
	if err := s.srv.start(context.Background()); err != nil {
		tb.Fatalf("testenv: start Redis: %v", err)
	}
}

// Pause freezes the server with SIGSTOP, like a hung server.
func (s *RedisServer) Pause(tb testing.TB) {
	tb.Helper()
	signalServer(tb, s.srv.proc, syscall.SIGSTOP)
}

// Resume continues a paused server.
func (s *RedisServer) Resume(tb testing.TB) {
	tb.Helper()
	signalServer(tb, s.srv.proc, syscall.SIGCONT)
}
