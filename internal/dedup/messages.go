package dedup

import "fugong/internal/msg"

// The messages of package dedup (see internal/msg).
var (
	msgPlanRevisionFilingEnterpriseIds = msg.New("dedup.plan_revision_filing_enterprise_ids", "方案版本、备案和企业编号必须为正", "plan revision, filing and enterprise ids must be positive")
	msgPlanRevisionNotIndexed          = msg.New("dedup.plan_revision_not_indexed", "方案版本未索引：%d", "plan revision %d not indexed")
	msgTemplateNeedsNameText           = msg.New("dedup.template_needs_name_text", "模板需要名称和正文", "template needs a name and text")
)
