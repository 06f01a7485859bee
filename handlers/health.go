package handlers

import "github.com/gofiber/fiber/v2"

// healthz says the process is alive; it touches no dependency, so a database
// hiccup never makes an orchestrator restart every instance.
func (s *server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyz says whether PostgreSQL and Redis answer, naming the one that does not,
// and whether the schema is migrated: until it is, every page answers 503, so the
// instance is not ready for traffic even when both servers answer. Without a
// configured Redis, "redis" says "memory": nothing was checked, and sessions live
// in this process only.
func (s *server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	failures := s.Health.Check(c.UserContext())
	body := fiber.Map{"status": "ok", "database": "ok", "redis": "ok", "schema": "ok"}
	if !s.Health.RedisConfigured() {
		body["redis"] = "memory"
	}
	for name := range failures {
		body[name] = "unavailable"
		body["status"] = "unavailable"
	}
	ready := len(failures) == 0
	if !s.SchemaReady() {
		body["schema"] = "pending"
		body["status"] = "unavailable"
		ready = false
	}
	if s.Draining() {
		body["status"] = "shutting down"
		ready = false
	}
	if !ready {
		c.Set(fiber.HeaderRetryAfter, "5")
		return c.Status(fiber.StatusServiceUnavailable).JSON(body)
	}
	return c.JSON(body)
}
