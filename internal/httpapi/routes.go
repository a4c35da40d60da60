package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"fugong/internal/auth"
)

// Role groups used by the route table.
var (
	anyone   = []auth.Role{}
	managers = []auth.Role{auth.RoleParkManager, auth.RoleAdmin}
	// officials read the review queue and similar plans; the inspection
	// group reads them too (复工方案有雷同 was an inspection finding).
	officials = []auth.Role{auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin, auth.RoleInspector}
	// tenantRoles read tenant data within their scope; the inspector (督查组)
	// reads the whole zone, personal data masked.
	tenantRoles = []auth.Role{auth.RoleEnterprise, auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin, auth.RoleInspector}
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
	api.Get("/audit", need(managers...), s.listAudit)

	if s.deps.Registry != nil {
		api.Post("/registry/import", need(managers...), s.importRegistry)
		api.Get("/enterprises", need(tenantRoles...), s.listEnterprises)
		api.Get("/enterprises/:id", need(tenantRoles...), s.getEnterprise)
		api.Get("/streets", need(anyone...), s.listStreets)
	}
	api.Post("/streets/:street/activation-codes", need(auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin), s.activationCodes)
	s.activationIssueRoutes(api)
	api.Get("/audit/verify", need(managers...), s.verifyAudit)

	if s.deps.Reports != nil {
		s.dashboardRoutes(api)
		s.dailyFigureRoutes(api)
	}
	if s.deps.Rules != nil {
		s.ruleRoutes(api)
	}
	if s.deps.Filings != nil {
		s.filingRoutes(api)
		s.similarRoutes(api)
	}
	if s.deps.Daily != nil {
		s.dailyRoutes(api)
	}
	s.rosterTemplateRoutes(api)
}
