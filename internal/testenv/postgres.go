package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

const (
	localPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	databasePrefix   = "storefront_test_"
)

// pgBackend is the PostgreSQL server on which databases are created for callers.
type pgBackend struct {
	adminURL string    // a database we may connect to for CREATE/DROP DATABASE
	own      *pgServer // the throwaway server, if we started one
}

// findPostgres picks the server: TEST_DATABASE_URL, else the usual local server,
// else a throwaway one. An unusable TEST_DATABASE_URL is an error rather than a
// reason to fall back, because it was asked for explicitly.
func findPostgres(ctx context.Context, logf func(string, ...any)) (*pgBackend, error) {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		if err := checkPostgresURL(u); err != nil {
			return nil, fmt.Errorf("TEST_DATABASE_URL: %w", err)
		}
		if err := pingPostgres(ctx, u); err != nil {
			return nil, fmt.Errorf("TEST_DATABASE_URL: %w", err)
		}
		return &pgBackend{adminURL: u}, nil
	}
	err := pingPostgres(ctx, localPostgresURL)
	if err == nil {
		return &pgBackend{adminURL: localPostgresURL}, nil
	}
	logf("testenv: no usable PostgreSQL on 127.0.0.1:5432 (%v); starting a throwaway server", err)
	return startThrowawayPostgres(ctx)
}

func startThrowawayPostgres(ctx context.Context) (*pgBackend, error) {
	s, err := newPGServer(ctx)
	if err != nil {
		return nil, err
	}
	return &pgBackend{adminURL: s.url("postgres"), own: s}, nil
}

// close stops the throwaway server, if any.
func (b *pgBackend) close() error {
	if b.own == nil {
		return nil
	}
	return b.own.destroy()
}

// checkPostgresURL rejects keyword/value DSNs, since new database URLs are derived
// by replacing the URL path.
func checkPostgresURL(dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("want a postgres:// URL, got scheme %q", u.Scheme)
	}
	return nil
}

func pingPostgres(ctx context.Context, dsn string) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return conn.Ping(ctx)
}

// execAdmin runs one statement on a connection of its own, so that no connection
// is kept open on the server between tests.
func execAdmin(ctx context.Context, adminURL, sql string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// createDatabase creates an empty database with a random name on the server of
// adminURL and returns its name and URL.
func createDatabase(ctx context.Context, adminURL string) (name, dsn string, err error) {
	name = databasePrefix + randomHex()
	if err := execAdmin(ctx, adminURL, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", "", err
	}
	u.Path = "/" + name
	return name, u.String(), nil
}

// dropDatabase drops the database even if the caller left connections open.
func dropDatabase(ctx context.Context, adminURL, name string) error {
	if err := execAdmin(ctx, adminURL, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// pgServer is a throwaway PostgreSQL cluster in a temporary directory.
type pgServer struct {
	dir  string              // holds data/, the unix socket and postgres.log
	bin  string              // directory with initdb and postgres
	cred *syscall.Credential // the postgres OS user when we are root, else nil
	port int
	proc *process // nil while stopped
}

// newPGServer creates a cluster and starts it on a free port.
func newPGServer(ctx context.Context) (*pgServer, error) {
	bin, err := findPostgresBin()
	if err != nil {
		return nil, err
	}
	cred, err := postgresCredential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "storefront-pg-")
	if err != nil {
		return nil, err
	}
	s := &pgServer{dir: dir, bin: bin, cred: cred}
	if err := s.initdb(ctx); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	if _, err := startOnFreePort(func(port int) error {
		s.port = port
		return s.start(ctx)
	}); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, nil
}

// findPostgresBin finds initdb on PATH, else in Debian's versioned directories
// (which are not on PATH), preferring the newest version.
func findPostgresBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		return "", errors.New("initdb not found on PATH or in /usr/lib/postgresql/*/bin; install PostgreSQL or set TEST_DATABASE_URL")
	}
	slices.SortFunc(found, func(a, b string) int { return pgVersion(a) - pgVersion(b) })
	return filepath.Dir(found[len(found)-1]), nil
}

// pgVersion extracts 15 from /usr/lib/postgresql/15/bin/initdb.
func pgVersion(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// postgresCredential returns the postgres OS user when running as root, because
// initdb and postgres refuse to run as root.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a postgres OS user to run PostgreSQL as: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (s *pgServer) dataDir() string { return filepath.Join(s.dir, "data") }

func (s *pgServer) initdb(ctx context.Context) error {
	if s.cred != nil {
		if err := os.Chown(s.dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "initdb"),
		"-D", s.dataDir(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
	cmd.Dir = s.dir // the postgres user may not be able to read our working directory
	cmd.SysProcAttr = sysProcAttr(s.cred, syscall.SIGKILL)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb in %s (is %s reachable by the postgres user?): %w\n%s", s.dir, os.TempDir(), err, out)
	}
	return nil
}

// start runs the postmaster on s.port and waits until it accepts connections.
func (s *pgServer) start(ctx context.Context) error {
	if s.proc != nil {
		return errors.New("PostgreSQL is already running")
	}
	cmd := exec.Command(filepath.Join(s.bin, "postgres"),
		"-D", s.dataDir(),
		"-p", strconv.Itoa(s.port),
		"-k", s.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off")
	cmd.Dir = s.dir
	// SIGQUIT is an immediate shutdown that also takes down the backends.
	p, err := startProcess(cmd, filepath.Join(s.dir, "postgres.log"), s.cred, syscall.SIGQUIT)
	if err != nil {
		return err
	}
	if err := p.waitReady(ctx, func(ctx context.Context) error { return pingPostgres(ctx, s.url("postgres")) }); err != nil {
		return errors.Join(err, p.stopWithSignal(syscall.SIGQUIT, stopTimeout))
	}
	s.proc = p
	return nil
}

// stop shuts the server down with sig (SIGINT: fast, SIGQUIT: immediate).
func (s *pgServer) stop(sig syscall.Signal) error {
	if s.proc == nil {
		return errors.New("PostgreSQL is not running")
	}
	err := s.proc.stopWithSignal(sig, stopTimeout)
	s.proc = nil
	return err
}

// destroy stops the server immediately, if running, and deletes its files.
func (s *pgServer) destroy() error {
	var err error
	if s.proc != nil {
		err = s.stop(syscall.SIGQUIT)
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *pgServer) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, url.PathEscape(db))
}

// PostgresServer is a private throwaway PostgreSQL for tests that stop, restart or
// freeze the server. It is deleted when the test ends. Its methods must not be
// called concurrently.
type PostgresServer struct {
	srv *pgServer
}

// StartPostgres starts a private PostgreSQL listening on a free 127.0.0.1 port,
// with fsync off and trust authentication for the user postgres. When running as
// root, it runs as the postgres OS user. It is stopped immediately and its files
// deleted in tb.Cleanup.
func StartPostgres(tb testing.TB) *PostgresServer {
	tb.Helper()
	srv, err := newPGServer(context.Background())
	if err != nil {
		tb.Fatalf("testenv: start PostgreSQL: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.destroy(); err != nil {
			tb.Errorf("testenv: remove PostgreSQL: %v", err)
		}
	})
	return &PostgresServer{srv: srv}
}

// URL returns postgres://postgres@127.0.0.1:PORT/db?sslmode=disable.
func (s *PostgresServer) URL(db string) string { return s.srv.url(db) }

// CreateDatabase creates an empty database and returns its URL. It is not dropped
// separately: the whole server is deleted when the test ends.
func (s *PostgresServer) CreateDatabase(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := opContext()
	defer cancel()
	_, dsn, err := createDatabase(ctx, s.URL("postgres"))
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	return dsn
}

// Stop shuts the server down (fast mode: clients are disconnected) and waits until
// the postmaster has exited.
func (s *PostgresServer) Stop(tb testing.TB) {
	tb.Helper()
	if err := s.srv.stop(syscall.SIGINT); err != nil {
		tb.Fatalf("testenv: stop PostgreSQL: %v", err)
	}
}

// Start starts the stopped server again on the same port and data directory and
// waits until it accepts connections.
func (s *PostgresServer) Start(tb testing.TB) {
	tb.Helper()
	if err := s.srv.start(context.Background()); err != nil {
		tb.Fatalf("testenv: start PostgreSQL: %v", err)
	}
}

// Pause freezes the postmaster and all its children with SIGSTOP, like a hung
// server: connections are accepted by the kernel but never answered.
func (s *PostgresServer) Pause(tb testing.TB) {
	tb.Helper()
	signalServer(tb, s.srv.proc, syscall.SIGSTOP)
}

// Resume continues a paused server.
func (s *PostgresServer) Resume(tb testing.TB) {
	tb.Helper()
	signalServer(tb, s.srv.proc, syscall.SIGCONT)
}

// signalServer sends sig to the process tree of a running server (p is nil while
// the server is stopped).
func signalServer(tb testing.TB, p *process, sig syscall.Signal) {
	tb.Helper()
	if p == nil {
		tb.Fatalf("testenv: send %v: server is not running", sig)
	}
	if err := p.signalTree(sig); err != nil {
		tb.Fatalf("testenv: send %v: %v", sig, err)
	}
}
