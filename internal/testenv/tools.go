package testenv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The servers the tests start besides PostgreSQL and Redis are Go programs pinned
// in tools/go.mod, a module of its own so that the app's go.mod does not carry
// their dependencies. They are built together, once per machine: the binaries are
// kept under the user cache directory in a folder named after a hash of
// tools/go.mod, tools/go.sum, the Go version and the platform, so a version bump
// builds anew and everything else reuses them.
const (
	mailpitPkg    = "github.com/axllent/mailpit"
	versitygwPkg  = "github.com/versity/versitygw/cmd/versitygw"
	stripeMockPkg = "github.com/stripe/stripe-mock"
	// toolsDirEnv overrides where the built tools are kept.
	toolsDirEnv = "STOREFRONT_TOOLS_DIR"
	// buildTimeout bounds the first build of all tools (about 2 minutes on an idle
	// 2-core machine, more while tests compete for it).
	buildTimeout = 20 * time.Minute
)

var toolPackages = []string{mailpitPkg, versitygwPkg, stripeMockPkg}

// The tools are located (and built if needed) once per process.
var (
	toolsOnce sync.Once
	toolsDir  string
	toolsErr  error
)

// toolPath returns the path of the built tool of package pkg, building all tools
// first if this machine has not built this version yet.
func toolPath(ctx context.Context, pkg string, logf func(string, ...any)) (string, error) {
	toolsOnce.Do(func() { toolsDir, toolsErr = BuildTools(ctx, logf) })
	if toolsErr != nil {
		return "", toolsErr
	}
	return filepath.Join(toolsDir, filepath.Base(pkg)), nil
}

// BuildTools makes sure the tools of tools/go.mod are built for this machine and
// returns the directory that holds them. Concurrent callers, in this process or
// others (go test runs packages in parallel), wait for one build. logf reports a
// build; it must not be nil.
func BuildTools(ctx context.Context, logf func(string, ...any)) (string, error) {
	modDir, err := toolsModuleDir()
	if err != nil {
		return "", err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the test tools are built with the go command: %w", err)
	}
	key, err := toolsKey(ctx, goBin, modDir)
	if err != nil {
		return "", err
	}
	root, err := toolsCacheRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, key)
	if complete(dir) {
		return dir, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(root, key+".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if complete(dir) { // another process built them while we waited for the lock
		return dir, nil
	}
	logf("testenv: building the test tools (%s) into %s; the first build takes a few minutes, later runs reuse it",
		strings.Join(toolNames(), ", "), dir)
	start := time.Now()
	if err := buildTools(ctx, goBin, modDir, root, dir); err != nil {
		return "", err
	}
	logf("testenv: test tools built in %s", time.Since(start).Round(time.Second))
	return dir, nil
}

// toolsModuleDir finds tools/ of the repository above the working directory (a
// package directory under go test, the repository root for go run), else above
// this source file, for a test that changed its working directory.
func toolsModuleDir() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) { // not with -trimpath
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if _, err := os.Stat(filepath.Join(dir, "tools", "go.mod")); err == nil {
				return filepath.Join(dir, "tools"), nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("tools/go.mod not found above the working directory")
}

// toolsKey names one version of the tools: their pinned modules, the Go that
// builds them and the platform they run on.
func toolsKey(ctx context.Context, goBin, modDir string) (string, error) {
	h := sha256.New()
	for _, name := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(modDir, name))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	version, err := exec.CommandContext(ctx, goBin, "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOVERSION: %w", err)
	}
	fmt.Fprintf(h, "%s %s/%s\n", bytes.TrimSpace(version), runtime.GOOS, runtime.GOARCH)
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// toolsCacheRoot is $STOREFRONT_TOOLS_DIR, else storefront-tools in the user cache
// directory (~/.cache on Linux), else in the temporary directory.
func toolsCacheRoot() (string, error) {
	if d := os.Getenv(toolsDirEnv); d != "" {
		return filepath.Abs(d)
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "storefront-tools"), nil
	}
	return filepath.Join(os.TempDir(), "storefront-tools"), nil
}

// complete reports whether dir holds every tool. A directory only appears by
// rename once all of them are built, so a crashed build leaves none behind.
func complete(dir string) bool {
	for _, name := range toolNames() {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

func toolNames() []string {
	names := make([]string, len(toolPackages))
	for i, pkg := range toolPackages {
		names[i] = filepath.Base(pkg)
	}
	return names
}

// buildTools builds all tools in one go build (their shared dependencies are
// compiled once) into a scratch directory beside dir, then renames it to dir.
func buildTools(ctx context.Context, goBin, modDir, root, dir string) error {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	scratch, err := os.MkdirTemp(root, "build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	cmd := exec.CommandContext(ctx, goBin, append([]string{"build", "-trimpath", "-o", scratch + string(filepath.Separator)}, toolPackages...)...)
	cmd.Dir = modDir
	// Pure Go builds need no C compiler; -mod=readonly builds exactly what go.sum pins.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=readonly"), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build test tools in %s: %w\n%s", modDir, err, out)
	}
	if err := os.RemoveAll(dir); err != nil { // an incomplete leftover
		return err
	}
	return os.Rename(scratch, dir)
}

// lockFile takes an exclusive lock on path, waiting for other processes, and
// returns its release. The kernel releases it if the process dies.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
