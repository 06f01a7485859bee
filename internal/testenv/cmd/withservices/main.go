// Command withservices runs a command with a fresh PostgreSQL database and Redis
// key prefix, found or started like in the Go tests (see package testenv):
//
//	go run ./internal/testenv/cmd/withservices -- <command> [args...]
//
// The command gets DATABASE_URL, REDIS_URL and REDIS_PREFIX, and not
// TEST_DATABASE_URL or TEST_REDIS_URL. SIGINT and SIGTERM are forwarded to it.
// When it exits, the database is dropped, the prefixed keys are deleted, any
// throwaway servers are stopped, and withservices exits with the command's code.
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

// acquireTimeout bounds finding or starting both servers.
const acquireTimeout = 2 * time.Minute

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	log.SetFlags(0)
	log.SetPrefix("withservices: ")
	fs := flag.NewFlagSet("withservices", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: withservices -- <command> [args...]")
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

	env, err := acquire(signals)
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
func acquire(signals <-chan os.Signal) (*testenv.Env, error) {
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
	env, err := testenv.Acquire(ctx, log.Printf)
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
// so that the command cannot pick a server other than the one prepared for it.
func commandEnv(environ []string, env *testenv.Env) []string {
	drop := []string{"TEST_DATABASE_URL", "TEST_REDIS_URL", "DATABASE_URL", "REDIS_URL", "REDIS_PREFIX"}
	environ = slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(drop, name)
	})
	return append(environ,
		"DATABASE_URL="+env.DatabaseURL,
		"REDIS_URL="+env.RedisURL,
		"REDIS_PREFIX="+env.RedisPrefix)
}
