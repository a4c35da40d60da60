package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"fugong/internal/store"
)

// Role groups used by the route table.
var (
	anyone   = []string{}
	managers = []string{store.RoleParkManager, store.RoleAdmin}
	// officials read the review queue and similar plans; the inspection
	// group reads them too (复工方案有雷同 was an inspection finding).
	officials = []string{store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin, store.RoleInspector}
	// tenantRoles read tenant data within their scope; the inspector (督查组)
	// reads the whole zone, personal data masked.
	tenantRoles = []string{store.RoleEnterprise, store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin, store.RoleInspector}
)

// apiRoutes registers every /api/v1 route. The access-control matrix test
// (access_test.go) must have a row for each one; adding a route without a row
// fails it.
func (s *Server) apiRoutes(api fiber.Router) {
	api.Post("/auth/login", s.login)
	api.Post("/auth/logout", need(anyone...), s.logout)
	api.Post("/auth/activate", s.activate)
	api.Post("/auth/password", need(anyone...), s.changePassword)
	api.Post("/auth/tokens", need(anyone...), s.createToken)
	api.Get("/me", need(anyone...), s.me)

	api.Post("/registry/import", need(managers...), s.importRegistry)
	api.Get("/enterprises", need(tenantRoles...), s.listEnterprises)
	api.Get("/enterprises/:id", need(tenantRoles...), s.getEnterprise)
	api.Get("/streets", need(anyone...), s.listStreets)
	api.Post("/streets/:street/activation-codes", need(store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin), s.activationCodes)
	s.activationIssueRoutes(api)

	api.Get("/audit", need(managers...), s.listAudit)
	s.dashboardRoutes(api)
	s.ruleRoutes(api)
	if s.deps.Filings != nil {
		s.filingRoutes(api)
	}
	s.similarRoutes(api)
}
