// Command commonpasswords writes models/commonpasswords.txt, the blocklist of
// common passwords that models.ValidatePassword refuses (NIST SP 800-63B
// §3.1.1.2, ASVS 4.0.3 2.1.7).
//
// The source is data/passwords.txt of the Go module github.com/trustelem/zxcvbn
// v1.0.1 (MIT licence): the same list as Dropbox's zxcvbn 4.4.2, the 47,023
// most frequent passwords of Mark Burnett's 10-million-password Xato corpus,
// ranked by how often each occurred. The module comes through the Go module
// proxy like any other, and its checksum is pinned here as well, so the list
// cannot change without a change to this file.
//
// The output is every entry lower-cased, sorted bytewise and without
// duplicates, one a line: models searches it in place (binary search), so it
// costs no heap and no start-up time.
//
// Run it with `go generate ./models` (make generate); scripts/check-generated.sh
// fails when the committed file differs from what this writes.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

const (
	module = "github.com/trustelem/zxcvbn@v1.0.1"
	// moduleSum is the module's go.sum hash (h1:), checked before the list is read.
	moduleSum = "h1:mp4JFtzdDYGj9WYSD3KQSkwwUumWNFzXaAjckaTYpsc="
	listPath  = "data/passwords.txt"
	// minEntries guards against a truncated or emptied source.
	minEntries = 10_000
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: commonpasswords OUTPUT")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "commonpasswords:", err)
		os.Exit(1)
	}
}

func run(output string) error {
	dir, err := download()
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(dir, listPath))
	if err != nil {
		return err
	}
	words, err := parse(raw)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	for _, w := range words {
		out.WriteString(w)
		out.WriteByte('\n')
	}
	return os.WriteFile(output, out.Bytes(), 0o644)
}

// download fetches the module into the module cache (or finds it there) and
// returns its directory, after checking its hash.
func download() (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module)
	// Outside any module: fetching a data source must not touch go.mod or go.sum.
	cmd.Dir = os.TempDir()
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", module, err)
	}
	var info struct{ Dir, Sum, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("go mod download %s: %w", module, err)
	}
	if info.Error != "" {
		return "", fmt.Errorf("go mod download %s: %s", module, info.Error)
	}
	if info.Sum != moduleSum {
		return "", fmt.Errorf("%s has hash %s, want %s", module, info.Sum, moduleSum)
	}
	return info.Dir, nil
}

// parse reads "password count" lines, most frequent first, and returns the
// passwords lower-cased, sorted and unique.
func parse(raw []byte) ([]string, error) {
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s line %d: want a password and a count, got %q", listPath, n, sc.Text())
		}
		seen[strings.ToLower(fields[0])] = true
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(seen) < minEntries {
		return nil, fmt.Errorf("%s has %d passwords, want at least %d", listPath, len(seen), minEntries)
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	slices.Sort(words)
	return words, nil
}
