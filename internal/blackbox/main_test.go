// Package blackbox tests the storefront from outside: it builds the real binary
// once, runs it as a subprocess against PostgreSQL and Redis servers the tests own,
// and talks to it over HTTP only, the way a browser or an attacker would. The
// tests stop, freeze and restart those servers to prove the app fails closed and
// recovers by itself.
package blackbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/storefront/storefront/internal/testenv"
)

// binary is the storefront executable built by TestMain (set once, before any test runs).
var binary string

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "storefront-blackbox-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "blackbox:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "storefront")
	// Without -race on purpose: the server under test is the one that ships.
	build := exec.Command("go", "build", "-trimpath", "-o", binary, "github.com/storefront/storefront")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "blackbox: go build:", err)
		return 1
	}
	return testenv.Main(m)
}
