package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"fugong/internal/store"
)

// Role groups used by the route table.
var (
	anyone      = []string{}
	managers    = []string{store.RoleParkManager, store.RoleAdmin}
	officials   = []string{store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin}
	tenantRoles = []string{store.RoleEnterprise, store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin}
)

// apiRoutes registers every /api/v1 route. The access-control matrix test
// (access_test.go) must have a row for each one; adding a route without a row
// fails it.
func (s *Server) apiRoutes(api fiber.Router) {
	api.Post("/auth/login", sessionless, s.login)
	api.Post("/auth/logout", need(anyone...), s.logout)
	api.Post("/auth/activate", sessionless, s.activate)
	api.Post("/auth/password", need(anyone...), sessionOnly, s.changePassword)
	api.Post("/auth/tokens", need(anyone...), sessionOnly, s.createToken)
	api.Get("/auth/tokens", need(anyone...), sessionOnly, s.listTokens)
	api.Delete("/auth/tokens/:id", need(anyone...), sessionOnly, s.revokeToken)
	api.Get("/me", need(anyone...), s.me)

	api.Post("/registry/import", need(managers...), s.importRegistry)
	api.Get("/enterprises", need(tenantRoles...), s.listEnterprises)
	api.Get("/enterprises/:id", need(tenantRoles...), s.getEnterprise)
	api.Get("/streets", need(anyone...), s.listStreets)
	api.Post("/streets/:street/activation-codes", need(store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin), s.activationCodes)

	api.Get("/audit", need(managers...), s.listAudit)
	api.Get("/audit/verify", need(managers...), s.verifyAudit)
	s.dashboardRoutes(api)
	s.ruleRoutes(api)
	if s.deps.Filings != nil {
		s.filingRoutes(api)
	}
	s.similarRoutes(api)
}
