// Command withservices runs a command with a fresh PostgreSQL database and Redis
// key prefix, found or started like in the Go tests (see package testenv), and
// optionally with its own Mailpit, S3 server (versitygw) and stripe-mock:
//
//	go run ./internal/testenv/cmd/withservices [-mailpit] [-s3] [-stripe] -- <command> [args...]
//
// The command gets DATABASE_URL, REDIS_URL and REDIS_PREFIX; with -mailpit
// SMTP_URL and MAILPIT_API_URL; with -s3 BLOB_URL, AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY; with -stripe STRIPE_API_URL. It never gets
// TEST_DATABASE_URL or TEST_REDIS_URL, nor service variables inherited from the
// caller (a real SMTP_URL must not receive test mail). SIGINT and SIGTERM are
// forwarded to it. When it exits, the database is dropped, the prefixed keys are
// deleted, the servers it started are stopped, and withservices exits with the
// command's code.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/storefront/storefront/internal/testenv"
)

// acquireTimeout bounds finding or starting the servers, including the first
// build of the test tools (-mailpit, -s3, -stripe) on a new machine.
const acquireTimeout = 20 * time.Minute

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	log.SetFlags(0)
	log.SetPrefix("withservices: ")
	fs := flag.NewFlagSet("withservices", flag.ContinueOnError)
	var extras testenv.Extras
	fs.BoolVar(&extras.Mailpit, "mailpit", false, "start Mailpit: SMTP_URL, MAILPIT_API_URL")
	fs.BoolVar(&extras.S3, "s3", false, "start an S3 server with a bucket: BLOB_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY")
	fs.BoolVar(&extras.StripeMock, "stripe", false, "start stripe-mock: STRIPE_API_URL")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: withservices [-mailpit] [-s3] [-stripe] -- <command> [args...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		fs.Usage()
		return 2
	}

	// Registered before the servers are started, so that a signal during startup
	// still leads to cleanup instead of killing us.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(signals)

	env, err := acquire(signals, extras)
	if err != nil {
		log.Print(err)
		return 1
	}
	code := runCommand(fs.Args(), env, signals)
	if err := env.Close(); err != nil {
		log.Printf("cleanup: %v", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// acquire gets the services, giving up early (and cleaning up) if a signal arrives.
func acquire(signals <-chan os.Signal, extras testenv.Extras) (*testenv.Env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), acquireTimeout)
	defer cancel()
	var sig os.Signal
	var watcher sync.WaitGroup
	watcher.Go(func() {
		select {
		case sig = <-signals:
			cancel()
		case <-ctx.Done():
		}
	})
	env, err := testenv.Acquire(ctx, log.Printf, extras)
	cancel()
	watcher.Wait()
	if sig == nil {
		return env, err
	}
	if err == nil {
		err = env.Close()
	}
	return nil, errors.Join(fmt.Errorf("%v while starting services", sig), err)
}

// runCommand runs args with the services' environment, forwarding signals, and
// returns its exit code in shell convention (128+n if killed by signal n).
func runCommand(args []string, env *testenv.Env, signals <-chan os.Signal) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = commandEnv(os.Environ(), env)
	if err := cmd.Start(); err != nil {
		log.Print(err)
		return 127
	}
	exited := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-signals:
				_ = cmd.Process.Signal(sig)
			case <-exited:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(exited)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		log.Print(err)
		return 1
	}
	if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		return 128 + int(status.Signal())
	}
	return cmd.ProcessState.ExitCode()
}

// commandEnv replaces the service variables in environ; the TEST_ ones are removed
// so that the command cannot pick a server other than the one prepared for it,
// and inherited mail, blob and Stripe settings so that it cannot reach real ones.
func commandEnv(environ []string, env *testenv.Env) []string {
	drop := []string{
		"TEST_DATABASE_URL", "TEST_REDIS_URL", "DATABASE_URL", "REDIS_URL", "REDIS_PREFIX",
		"SMTP_URL", "MAILPIT_API_URL", "BLOB_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"STRIPE_API_URL",
	}
	environ = slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(drop, name)
	})
	environ = append(environ,
		"DATABASE_URL="+env.DatabaseURL,
		"REDIS_URL="+env.RedisURL,
		"REDIS_PREFIX="+env.RedisPrefix)
	if env.SMTPURL != "" {
		environ = append(environ, "SMTP_URL="+env.SMTPURL, "MAILPIT_API_URL="+env.MailpitAPIURL)
	}
	if env.BlobURL != "" {
		environ = append(append(environ, "BLOB_URL="+env.BlobURL), env.S3Credentials.Env()...)
	}
	if env.StripeAPIURL != "" {
		environ = append(environ, "STRIPE_API_URL="+env.StripeAPIURL)
	}
	return environ
}
