// Command testtools builds the servers the tests start (Mailpit, versitygw,
// stripe-mock), pinned in tools/go.mod, unless this machine already has this
// version of them, and prints the directory that holds them:
//
//	go run ./internal/testenv/cmd/testtools
//
// The tests build them on first use too; `make test` runs this first, in the
// background, so that the build overlaps the lint and generated-file checks
// instead of eating into a test's timeout. Concurrent runs wait for one build.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/storefront/storefront/internal/testenv"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("testtools: ")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	dir, err := testenv.BuildTools(ctx, log.Printf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("testtools: ready in %s (%s)\n", dir, time.Since(start).Round(100*time.Millisecond))
}
