package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An app that cannot start (here: a bad setting) fails the benchmark at once,
// showing why in the app's own words, instead of polling and then hanging in
// stop. The wait for readiness has no deadline here, so only noticing the exit
// can end it; the bound below only turns a hang into a failure.
func TestLaunchFailsFastWhenTheAppExits(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "storefront")
	build := exec.Command("go", "build", "-o", bin, "github.com/storefront/storefront")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	o := options{app: bin, databaseURL: "postgres://bench@127.0.0.1:1/none", redisURL: "localhost:6379", // not a redis:// URL
		redisPrefix: "storefront-bench-test:", sutCPU: -1, gomaxprocs: 1}
	type result struct {
		app *appProcess
		err error
	}
	done := make(chan result, 1)
	go func() {
		app, _, err := launch(context.Background(), o, port)
		done <- result{app, err}
	}()
	select {
	case r := <-done:
		if r.err == nil {
			r.app.stop()
			t.Fatal("launch succeeded with REDIS_URL=localhost:6379")
		}
		for _, want := range []string{"exited", "REDIS_URL must start with redis://"} {
			if !strings.Contains(r.err.Error(), want) {
				t.Errorf("error does not say %q:\n%v", want, r.err)
			}
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("launch still waiting 2 minutes after the app exited")
	}
}

// stop returns at once for an app that has exited, however often it is asked,
// and so does exitErr, which keeps reporting the exit.
func TestStopAfterExit(t *testing.T) {
	o := options{app: "/bin/sh", sutCPU: -1, gomaxprocs: 1}
	app, err := startApp(o, 1)
	if err != nil {
		t.Fatal(err)
	}
	<-app.done // sh with no input on stdin: exits at once
	stopped := make(chan struct{})
	go func() {
		for range 3 {
			if app.exitErr() == nil {
				t.Error("exitErr forgot the exit")
			}
			app.stop()
		}
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(time.Minute):
		t.Fatal("stop blocks on an app that has exited")
	}
}

func TestTailWriter(t *testing.T) {
	w := &tailWriter{max: 16}
	w.Write([]byte("first line\nsecond\n"))
	w.Write([]byte("third\n"))
	if got := w.String(); got != "second\nthird\n" {
		t.Errorf("tail = %q, want whole lines from the end", got)
	}
	short := &tailWriter{max: 64}
	short.Write([]byte("only line\n"))
	if got := short.String(); got != "only line\n" {
		t.Errorf("tail = %q", got)
	}
}
