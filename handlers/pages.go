package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
)

// getRoutes is the set of paths the router serves for GET, taken from the
// router itself so that a route added later is covered. Only these may be an
// after-login page: "?next=/logout" names a POST-only route, and a page that does
// not exist is no better a place to land.
type getRoutes struct {
	patterns      [][]string // each route's path, split into segments
	strict        bool       // a trailing slash makes another path (Fiber's StrictRouting)
	caseSensitive bool       // "/Account" is not "/account" (Fiber's CaseSensitive)
}

// newGetRoutes takes the GET routes of the app's route table, matched the way
// the app's router matches them (cfg).
func newGetRoutes(routes []fiber.Route, cfg fiber.Config) *getRoutes {
	g := &getRoutes{strict: cfg.StrictRouting, caseSensitive: cfg.CaseSensitive}
	for _, r := range routes {
		if r.Method == http.MethodGet {
			g.patterns = append(g.patterns, g.segments(r.Path))
		}
	}
	return g
}

// segments splits a path at its slashes, after the leading one. Without strict
// routing a trailing slash is ignored; with it, it leaves an empty last segment
// that only a pattern with the same slash matches.
func (g *getRoutes) segments(path string) []string {
	path = strings.TrimPrefix(path, "/")
	if !g.strict {
		path = strings.TrimSuffix(path, "/")
	}
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// match reports whether a GET route serves path (decoded, without the query).
// ":param" takes one non-empty segment, ":param?" zero or one at the end, and
// "*" or "+" the rest of the path.
func (g *getRoutes) match(path string) bool {
	got := g.segments(path)
	for _, pattern := range g.patterns {
		if g.matchSegments(pattern, got) {
			return true
		}
	}
	return false
}

func (g *getRoutes) matchSegments(pattern, path []string) bool {
	for i, p := range pattern {
		switch {
		case p == "*" || p == "+":
			return p == "*" || i < len(path)
		case strings.HasPrefix(p, ":") && strings.HasSuffix(p, "?"):
			if i == len(path) {
				return i == len(pattern)-1
			}
			if path[i] == "" {
				return false
			}
		case i == len(path):
			return false
		case strings.HasPrefix(p, ":"):
			if path[i] == "" {
				return false
			}
		case p != path[i] && (g.caseSensitive || !strings.EqualFold(p, path[i])):
			return false
		}
	}
	return len(pattern) == len(path)
}

// afterLoginPage judges a page to return to after login: a safe local path
// (models.SafeLocalPath, the pure rule) that a GET route of this app serves. It
// is applied when the page is remembered and again when it is used.
func (s *server) afterLoginPage(raw string) (string, bool) {
	path, ok := models.SafeLocalPath(raw)
	if !ok {
		return "", false
	}
	u, err := url.Parse(path)
	if err != nil || !s.getRoutes.match(u.Path) {
		return "", false
	}
	return path, true
}
