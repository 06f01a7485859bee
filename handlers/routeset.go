package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// routeSet is a set of routes (method and path pattern), matched the way the
// app's router matches them, so that a route added later is covered where a set
// is taken from the router: the after-login rule's GET pages (routeSetOf) and
// the upload routes' body limit (bodyLimits).
type routeSet struct {
	routes        []routePattern
	strict        bool // a trailing slash makes another path (Fiber's StrictRouting)
	caseSensitive bool // "/Account" is not "/account" (Fiber's CaseSensitive)
}

type routePattern struct {
	method   string
	segments []string
}

// routeSetOf takes every route of the app's route table (middleware aside),
// matched as the app's router matches them.
func routeSetOf(app *fiber.App) *routeSet {
	r := newRouteSet(app.Config())
	for _, route := range app.GetRoutes(true) {
		r.add(route.Method, route.Path)
	}
	return r
}

// newRouteSet is an empty set, matched as a router with cfg matches.
func newRouteSet(cfg fiber.Config) *routeSet {
	return &routeSet{strict: cfg.StrictRouting, caseSensitive: cfg.CaseSensitive}
}

func (r *routeSet) add(method, path string) {
	r.routes = append(r.routes, routePattern{method: method, segments: r.segments(path)})
}

// segments splits a path at its slashes, after the leading one. Without strict
// routing a trailing slash is ignored; with it, it leaves an empty last segment
// that only a pattern with the same slash matches.
func (r *routeSet) segments(path string) []string {
	path = strings.TrimPrefix(path, "/")
	if !r.strict {
		path = strings.TrimSuffix(path, "/")
	}
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// match reports whether a route of the set serves method at path (decoded,
// without the query). ":param" takes one non-empty segment, ":param?" zero or
// one at the end, and "*" or "+" the rest of the path.
func (r *routeSet) match(method, path string) bool {
	got := r.segments(path)
	for _, route := range r.routes {
		if route.method == method && r.matchSegments(route.segments, got) {
			return true
		}
	}
	return false
}

func (r *routeSet) matchSegments(pattern, path []string) bool {
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
		case p != path[i] && (r.caseSensitive || !strings.EqualFold(p, path[i])):
			return false
		}
	}
	return len(pattern) == len(path)
}
