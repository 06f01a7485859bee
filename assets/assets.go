// Package assets embeds the built CSS, the vendored htmx, the app's script and the
// shop's icons, so the binary serves them itself (never from a CDN) and needs no
// Node at run time.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

//go:embed static
var embedded embed.FS

// Files is the embedded static directory (app.css, htmx.min.js, app.js, icon.svg,
// favicon.ico).
func Files() fs.FS {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		panic(err) // the directory is embedded at compile time; this cannot fail
	}
	return sub
}

// Version returns a short content hash of the named file for cache-busting URLs,
// so browsers may cache assets for a year and still get new ones after a deploy.
func Version(files fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(files, name)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6]), nil
}
