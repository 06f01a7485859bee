package handlers_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/services"
)

// /readyz names what sessions use: "ok" for a Redis that answers, "memory" when
// none is configured (nothing was checked, and sessions are this process's own).
func TestReadyzSaysWhereSessionsLive(t *testing.T) {
	var deps handlers.Deps
	withRedis := newShop(t, func(d *handlers.Deps) { deps = *d })
	deps.Health = services.NewHealth(withRedis.db, nil)
	app, err := handlers.NewApp(deps)
	if err != nil {
		t.Fatal(err)
	}
	memory := &shop{t: t, app: app, db: withRedis.db, redis: withRedis.redis, prefix: withRedis.prefix}

	for s, want := range map[*shop]string{withRedis: "ok", memory: "memory"} {
		r := s.client().get("/readyz")
		expectStatus(t, r, http.StatusOK)
		var body map[string]string
		if err := json.Unmarshal([]byte(r.body), &body); err != nil {
			t.Fatalf("/readyz: %v: %s", err, r.body)
		}
		if body["redis"] != want || body["status"] != "ok" || body["database"] != "ok" {
			t.Fatalf("/readyz %s, want redis %q and everything else ok", r.body, want)
		}
	}
}
