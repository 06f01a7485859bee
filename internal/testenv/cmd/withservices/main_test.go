package main

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/smtp"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"github.com/storefront/storefront/internal/testenv"
)

// runMainEnv makes the test binary act as withservices, so that tests can run
// the real command, signals included, without building it.
const runMainEnv = "WITHSERVICES_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// services starts private servers and points TEST_DATABASE_URL and TEST_REDIS_URL
// at them, so that the tests can inspect exactly the servers withservices uses.
func services(t *testing.T) (pgAdminURL, redisURL string) {
	pg, rd := testenv.StartPostgres(t), testenv.StartRedis(t)
	t.Setenv("TEST_DATABASE_URL", pg.URL("postgres"))
	t.Setenv("TEST_REDIS_URL", rd.URL())
	return pg.URL("postgres"), rd.URL()
}

// withservices runs the command with no flags; withservicesArgs takes the whole
// argument list, flags and "--" included.
func withservices(args ...string) *exec.Cmd {
	return withservicesArgs(append([]string{"--"}, args...)...)
}

func withservicesArgs(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	cmd.Stderr = os.Stderr
	return cmd
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatal(err)
	}
	if exitErr != nil {
		return exitErr.ExitCode()
	}
	return 0
}

func TestExitCodes(t *testing.T) {
	services(t)
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"true"}, 0},
		{[]string{"sh", "-c", "exit 3"}, 3},
		{[]string{"sh", "-c", "kill -KILL $$"}, 128 + int(syscall.SIGKILL)},
		{[]string{"/nonexistent/command"}, 127},
	} {
		if got := exitCode(t, withservices(tc.args...).Run()); got != tc.want {
			t.Errorf("%v: exit code %d, want %d", tc.args, got, tc.want)
		}
	}
}

// TestServicesAndSignal runs a command that reports its environment and waits for
// SIGTERM, checks that the database and prefix it got are live, then signals
// withservices and checks that the signal reached the command and that everything
// was cleaned up.
func TestServicesAndSignal(t *testing.T) {
	pgAdminURL, redisURL := services(t)
	cmd := withservices("sh", "-c", `
		trap 'exit 42' TERM
		echo "$DATABASE_URL $REDIS_URL $REDIS_PREFIX ${TEST_DATABASE_URL-unset} ${TEST_REDIS_URL-unset}"
		while :; do sleep 0.05; done`)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(line)
	if len(fields) != 5 {
		t.Fatalf("command printed %q", line)
	}
	databaseURL, gotRedisURL, prefix := fields[0], fields[1], fields[2]
	if fields[3] != "unset" || fields[4] != "unset" {
		t.Errorf("TEST_ variables leaked to the command: %q", line)
	}
	if gotRedisURL != redisURL {
		t.Errorf("REDIS_URL %s, want %s", gotRedisURL, redisURL)
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	database := strings.TrimPrefix(u.Path, "/")

	ctx := context.Background()
	if !slices.Contains(databases(t, pgAdminURL), database) {
		t.Fatalf("database %s of %s does not exist", database, databaseURL)
	}
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opts)
	defer rc.Close()
	if err := rc.Set(ctx, prefix+"k", "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if got := exitCode(t, cmd.Wait()); got != 42 {
		t.Errorf("exit code %d, want 42 from the command's TERM trap", got)
	}
	if slices.Contains(databases(t, pgAdminURL), database) {
		t.Errorf("database %s not dropped", database)
	}
	if n, err := rc.Exists(ctx, prefix+"k").Result(); err != nil || n != 0 {
		t.Errorf("prefixed key left: %d, %v", n, err)
	}
}

func databases(t *testing.T, adminURL string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, "SELECT datname FROM pg_database")
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestCommandEnv(t *testing.T) {
	env := &testenv.Env{DatabaseURL: "postgres://db", RedisURL: "redis://r", RedisPrefix: "p:"}
	inherited := []string{
		"PATH=/bin", "TEST_DATABASE_URL=x", "TEST_REDIS_URL=x", "DATABASE_URL=old", "REDIS_URL=old", "REDIS_PREFIX=old", "DATABASE_URL_EXTRA=kept",
		"SMTP_URL=smtps://real", "MAILPIT_API_URL=old", "BLOB_URL=s3://real", "AWS_ACCESS_KEY_ID=real", "AWS_SECRET_ACCESS_KEY=real",
		"AWS_SESSION_TOKEN=real", "STRIPE_API_URL=https://real",
	}
	got := commandEnv(inherited, env)
	want := []string{"PATH=/bin", "DATABASE_URL_EXTRA=kept", "DATABASE_URL=postgres://db", "REDIS_URL=redis://r", "REDIS_PREFIX=p:"}
	if !slices.Equal(got, want) {
		t.Errorf("without extras: got %q\nwant %q", got, want)
	}

	env.SMTPURL, env.MailpitAPIURL = "smtp://u:p@127.0.0.1:1", "http://127.0.0.1:2"
	env.BlobURL, env.S3Credentials = "s3://b?endpoint=http://127.0.0.1:3", testenv.S3Credentials{AccessKeyID: "k", SecretAccessKey: "s"}
	env.StripeAPIURL = "http://127.0.0.1:4"
	got = commandEnv(inherited, env)
	want = append(want, "SMTP_URL=smtp://u:p@127.0.0.1:1", "MAILPIT_API_URL=http://127.0.0.1:2",
		"BLOB_URL=s3://b?endpoint=http://127.0.0.1:3", "AWS_ACCESS_KEY_ID=k", "AWS_SECRET_ACCESS_KEY=s", "STRIPE_API_URL=http://127.0.0.1:4")
	if !slices.Equal(got, want) {
		t.Errorf("with extras: got %q\nwant %q", got, want)
	}
}

// With -mailpit the command gets a Mailpit that takes mail with the credentials
// in SMTP_URL and shows it at MAILPIT_API_URL; the server is gone once
// withservices exits.
func TestMailpitFlag(t *testing.T) {
	services(t)
	cmd := withservicesArgs("-mailpit", "--", "sh", "-c", `
		trap 'exit 0' TERM
		echo "$SMTP_URL $MAILPIT_API_URL"
		while :; do sleep 0.05; done`)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(line)
	if len(fields) != 2 || !strings.HasPrefix(fields[0], "smtp://") || !strings.HasPrefix(fields[1], "http://127.0.0.1:") {
		t.Fatalf("command printed %q", line)
	}
	u, err := url.Parse(fields[0])
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	const to = "withservices@example.com"
	msg := "From: shop@example.com\r\nTo: " + to + "\r\nSubject: Through withservices\r\n\r\nHello.\r\n"
	if err := smtp.SendMail(u.Host, smtp.PlainAuth("", u.User.Username(), pass, u.Hostname()), "shop@example.com", []string{to}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	if got := testenv.WaitMail(t, fields[1], to); got.Subject != "Through withservices" {
		t.Errorf("subject %q", got.Subject)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if got := exitCode(t, cmd.Wait()); got != 0 {
		t.Errorf("exit code %d", got)
	}
	if c, err := net.Dial("tcp", u.Host); err == nil {
		c.Close()
		t.Errorf("Mailpit still listens on %s after withservices exited", u.Host)
	}
}
