package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// healthChecker is what the readiness probe asks of services.Health.
type healthChecker interface {
	// Check names each dependency that does not answer.
	Check(ctx context.Context) map[string]error
	RedisConfigured() bool
}

// healthHandlers serve the probes: liveness and readiness.
type healthHandlers struct {
	health      healthChecker
	schemaReady func() bool
	draining    func() bool
}

// healthz says the process is alive; it touches no dependency, so a database
// hiccup never makes an orchestrator restart every instance.
func (h *healthHandlers) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyz says whether PostgreSQL and Redis answer, naming the one that does not,
// and whether the schema is migrated: until it is, every page answers 503, so the
// instance is not ready for traffic even when both servers answer. Without a
// configured Redis, "redis" says "memory": nothing was checked, and sessions live
// in this process only.
func (h *healthHandlers) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	failures := h.health.Check(c.UserContext())
	body := fiber.Map{"status": "ok", "database": "ok", "redis": "ok", "schema": "ok"}
	if !h.health.RedisConfigured() {
		body["redis"] = "memory"
	}
	for name := range failures {
		body[name] = "unavailable"
		body["status"] = "unavailable"
	}
	ready := len(failures) == 0
	if !h.schemaReady() {
		body["schema"] = "pending"
		body["status"] = "unavailable"
		ready = false
	}
	if h.draining() {
		body["status"] = "shutting down"
		ready = false
	}
	if !ready {
		c.Set(fiber.HeaderRetryAfter, "5")
		return c.Status(fiber.StatusServiceUnavailable).JSON(body)
	}
	return c.JSON(body)
}
