// Package plangen generates synthetic Chinese resumption plans (复工方案)
// for tests and benchmarks of near-duplicate detection: plans written from
// section sentence pools with variable parts, copies with a controlled share
// of sentences changed and sections reordered, and plans that start from an
// official template. Everything is deterministic for a given seed, and a
// corpus document is generated from its index alone, so a corpus of any
// size can be streamed without being held in memory.
package plangen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Section is one numbered part of a plan.
type Section struct {
	Title     string
	Sentences []string
}

// Plan is a structured plan; Text renders it.
type Plan struct {
	Company  string
	Template bool // whether each section opens with the official template's sentences
	Sections []Section
}

// sectionPool is one section's title, template sentences and own-content
// sentence skeletons. Slots: {co} company, {n} a number, {d} a date, {p} a
// person, {dept} a department, {loc} a place, {w} a phrase from the large
// vocabulary (what makes independently written plans differ).
type sectionPool struct {
	title     string
	template  []string
	skeletons []string
}

var pools = []sectionPool{
	{"组织领导", []string{
		"为切实做好新型冠状病毒感染的肺炎疫情防控工作，保障员工生命安全和身体健康，有序推进复工复产，根据上级有关要求，结合本单位实际，制定本方案。",
		"成立疫情防控工作领导小组，主要负责人任组长，分管负责人任副组长，各部门负责人为成员，领导小组下设办公室负责日常工作。",
	}, []string{
		"{co}成立以{p}为组长的防控工作小组，{dept}负责{w}，每日{n}时前向街道报告{w}情况。",
		"由{p}担任疫情防控第一责任人，{dept}设联络员{n}名，具体负责{w}和{w}。",
		"公司实行防控责任到人，{loc}由{p}牵头落实{w}，发现问题于{n}小时内整改到位。",
		"{d}起，{dept}每日召开{n}分钟防控碰头会，通报{w}并部署{w}。",
	}},
	{"员工排查", []string{
		"对全体员工实行一人一档健康管理，逐一登记近十四日旅居史和接触史，建立员工健康台账。",
		"对来自或途经疫情重点地区的员工，严格落实十四天居家隔离观察措施，隔离期满无异常方可返岗。",
	}, []string{
		"{co}共有员工{n}人，截至{d}已返蓉{n}人，{dept}逐一核实{w}并登记在册。",
		"对{n}名外地返岗人员，由{p}电话跟踪{w}，每日两次报告体温和{w}。",
		"{loc}设置体温检测点{n}处，员工进厂前测量体温，超过三十七点三度的立即{w}。",
		"{dept}于{d}前完成全员{w}排查，对有{w}的员工安排在家观察{n}天。",
	}},
	{"消毒通风", []string{
		"每日对办公区域、生产车间、食堂、宿舍、电梯、卫生间等公共区域进行消毒，并做好消毒记录。",
		"保持室内空气流通，每日开窗通风不少于三次，每次不少于三十分钟，中央空调暂停使用。",
	}, []string{
		"{loc}每日消毒{n}次，使用含氯消毒液按{w}配比，由{p}负责{w}并签字确认。",
		"{co}对{n}台通勤车辆实行一车一消，司乘人员全程{w}，车内{w}。",
		"门把手、电梯按钮等高频接触部位每{n}小时擦拭一次，{dept}落实{w}。",
		"自{d}起，{loc}暂停使用中央空调，改为{w}，保持{w}。",
	}},
	{"应急隔离", []string{
		"设置临时隔离观察室，配备必要的防护用品和消毒用品，发现疑似症状人员立即隔离并报告。",
		"制定疫情应急处置预案，明确报告程序和处置流程，确保发生情况时快速响应、妥善处置。",
	}, []string{
		"{co}在{loc}设立临时隔离室{n}间，由{p}负责管理，配备{w}和{w}。",
		"员工出现发热等症状的，由{dept}安排{w}，并于{n}分钟内报告{w}。",
		"与{w}签订转运协议，确保疑似病例{n}小时内送达定点医院，{p}负责{w}。",
		"{d}组织应急演练一次，参演人员{n}名，检验{w}的衔接和{w}。",
	}},
	{"物资保障", []string{
		"储备充足的口罩、体温计、消毒液、洗手液等防疫物资，建立物资台账，专人管理、按需发放。",
	}, []string{
		"{co}现有口罩{n}只、体温枪{n}把、消毒液{n}升，可满足{n}天使用，由{p}负责{w}。",
		"{dept}通过{w}采购医用口罩{n}只，预计{d}到货，到货后优先保障{w}。",
		"物资库房设在{loc}，实行{w}，每日盘点并向{dept}报送{w}。",
		"按每人每天{n}只口罩的标准发放，{loc}设置废弃口罩专用收集桶，落实{w}。",
	}},
	{"食堂管理", []string{
		"职工食堂实行错峰分餐，减少人员聚集，餐具一人一用一消毒。",
	}, []string{
		"{co}食堂分{n}批次就餐，每批间隔{n}分钟，由{p}负责{w}。",
		"取消集中就餐，改为{w}，{loc}设置就餐点{n}个，座位间距不少于一米。",
		"食材由{w}统一配送，{dept}查验{w}，禁止采购活禽和野生动物。",
	}},
	{"宣传教育", []string{
		"通过微信群、宣传栏、电子屏等多种形式开展防控知识宣传，提高员工自我防护意识。",
	}, []string{
		"{d}前组织全员防控培训{n}场，内容包括{w}和{w}，由{p}授课。",
		"{dept}在{loc}张贴宣传海报{n}张，提醒员工{w}。",
		"建立员工微信群{n}个，每日推送{w}，引导员工{w}。",
	}},
	{"复工安排", []string{
		"坚持分期分批有序复工，优先安排本地员工和已满隔离期员工返岗，严格控制现场作业人数。",
	}, []string{
		"{co}计划于{d}复工，首批返岗{n}人，占员工总数的百分之{n}，主要从事{w}。",
		"第二批员工于{d}返岗，{dept}提前{n}天完成{w}和{w}。",
		"实行弹性工作制，{loc}每班不超过{n}人，其余人员{w}。",
		"复工后{n}日内由{p}每日检查{w}落实情况，发现问题立即{w}。",
	}},
}

// commonChars is an inventory of frequent characters from which the
// vocabulary's words are drawn.
const commonChars = "安保报备本边标表别病步部材采参餐测查产场车成程城出除处传创床次从村存达大带单导道地点电调定东动度对多发法防访费分风服符负该改干感岗高告格个根工公共功供构购古故关观管光广规国过海行好合和河核黑红后护华化环黄回会活火机基及急集计记技际家价架间检简建健将交角教接节结金进近经精境局具据决开康考科可客空控口库快况来劳类冷理力立利联料量林零流龙楼路率绿论门面民名明模目内能年农排配品平评期企气器前强桥清情区取全群然热人任日容入山商上设社身生声施十时识实食使示世市事室收手首受书输数双水顺说思司四送速所台态特提体天条调铁通同统头图土团外完网往为卫位温文问无物西系细下先现线相向项消小效协新信星行型休需序学训压严研验样要业一医依移已以艺议意因音应营用优由有预员园源远院约运在责增站张长招照者针真整正证支知直职值制质治中种重周主助注住专转装状准资自综总组作"

// vocabulary returns n two-to-three-character "words" drawn from
// commonChars with a fixed seed: a large, stable vocabulary, so that
// independently written plans share few five-character shingles.
func vocabulary(n int) []string {
	cs := []rune(commonChars)
	r := rand.New(rand.NewPCG(20200228, 1))
	out := make([]string, n)
	for i := range out {
		l := 2 + r.IntN(2)
		w := make([]rune, l)
		for j := range w {
			w[j] = cs[r.IntN(len(cs))]
		}
		out[i] = string(w)
	}
	return out
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	depts    = []string{"综合办公室", "行政部", "人力资源部", "安全环保部", "生产部", "后勤保障部", "财务部", "技术部", "质量部", "采购部", "销售部", "工会"}
	places   = []string{"一号车间", "二号车间", "办公楼", "员工宿舍", "职工食堂", "仓库", "门卫室", "研发中心", "会议室", "装配线", "实验室", "停车场"}
	cities   = []string{"成都", "蜀都", "天府", "锦城", "蓉城", "高新", "西部", "川西"}
	trades   = []string{"电子科技", "软件", "生物医药", "精密制造", "建设工程", "商贸", "物流", "餐饮管理", "光电", "新材料", "信息技术", "食品"}
	numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"}
)

// Generator writes plans from one random stream.
type Generator struct {
	r     *rand.Rand
	vocab []string
}

// NewGenerator returns a generator whose output is fixed by seed.
func NewGenerator(seed uint64) *Generator {
	return newGenerator(seed, 0, vocabulary(3000))
}

func newGenerator(seed, stream uint64, vocab []string) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, stream)), vocab: vocab}
}

// Company returns a company name such as 成都某某电子科技有限公司.
func (g *Generator) Company() string {
	return cities[g.r.IntN(len(cities))] + g.word() + trades[g.r.IntN(len(trades))] + "有限公司"
}

func (g *Generator) word() string { return g.vocab[g.r.IntN(len(g.vocab))] }

func (g *Generator) phrase() string {
	n := 2 + g.r.IntN(3)
	var b strings.Builder
	for range n {
		b.WriteString(g.word())
	}
	return b.String()
}

func (g *Generator) person() string {
	return string(surnames[g.r.IntN(len(surnames))]) + g.word()[:3*(1+g.r.IntN(2))]
}

func (g *Generator) fill(skeleton, company string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(skeleton, '{')
		if i < 0 {
			b.WriteString(skeleton)
			return b.String()
		}
		b.WriteString(skeleton[:i])
		j := strings.IndexByte(skeleton[i:], '}') + i
		switch skeleton[i+1 : j] {
		case "co":
			b.WriteString(company)
		case "n":
			fmt.Fprintf(&b, "%d", 1+g.r.IntN(200))
		case "d":
			fmt.Fprintf(&b, "2020年%d月%d日", 2+g.r.IntN(2), 1+g.r.IntN(28))
		case "p":
			b.WriteString(g.person())
		case "dept":
			b.WriteString(depts[g.r.IntN(len(depts))])
		case "loc":
			b.WriteString(places[g.r.IntN(len(places))])
		case "w":
			b.WriteString(g.phrase())
		}
		skeleton = skeleton[j+1:]
	}
}

func (g *Generator) sentence(section int, company string) string {
	sk := pools[section].skeletons
	return g.fill(sk[g.r.IntN(len(sk))], company)
}

// Plan writes an original plan for company of roughly minChars to maxChars
// characters (the length is drawn uniformly), opening every section with
// the official template's sentences if template is true.
func (g *Generator) Plan(company string, template bool, minChars, maxChars int) Plan {
	target := minChars
	if maxChars > minChars {
		target += g.r.IntN(maxChars - minChars + 1)
	}
	p := Plan{Company: company, Template: template}
	for i, sp := range pools {
		p.Sections = append(p.Sections, Section{Title: sp.title, Sentences: []string{g.sentence(i, company)}})
	}
	for n := len([]rune(p.Text())); n < target; {
		i := g.r.IntN(len(pools))
		s := g.sentence(i, company)
		p.Sections[i].Sentences = append(p.Sections[i].Sentences, s)
		n += len([]rune(s))
	}
	return p
}

// Copy returns src as another enterprise would file it after copying: the
// company name replaced by company, each sentence rewritten with
// probability editShare, and the sections shuffled if reorder is true.
func (g *Generator) Copy(src Plan, company string, editShare float64, reorder bool) Plan {
	p := Plan{Company: company, Template: src.Template}
	for _, s := range src.Sections {
		sec := Section{Title: s.Title}
		si := poolIndex(s.Title)
		for _, sent := range s.Sentences {
			if g.r.Float64() < editShare {
				sent = g.sentence(si, company)
			} else {
				sent = strings.ReplaceAll(sent, src.Company, company)
			}
			sec.Sentences = append(sec.Sentences, sent)
		}
		p.Sections = append(p.Sections, sec)
	}
	if reorder {
		g.r.Shuffle(len(p.Sections), func(i, j int) { p.Sections[i], p.Sections[j] = p.Sections[j], p.Sections[i] })
	}
	return p
}

func poolIndex(title string) int {
	for i, sp := range pools {
		if sp.title == title {
			return i
		}
	}
	return 0
}

// Text renders the plan: a title line, then numbered sections.
func (p Plan) Text() string {
	var b strings.Builder
	b.WriteString(p.Company)
	b.WriteString("新冠肺炎疫情防控及复工复产工作方案\n\n")
	for i, s := range p.Sections {
		fmt.Fprintf(&b, "%s、%s\n", numerals[i%len(numerals)], s.Title)
		if p.Template {
			for _, t := range pools[poolIndex(s.Title)].template {
				b.WriteString(t)
			}
		}
		for _, sent := range s.Sentences {
			b.WriteString(sent)
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

// OfficialTemplate returns the official template: every section's template
// sentences under its heading, with no enterprise's own content.
func OfficialTemplate() string {
	var b strings.Builder
	b.WriteString("企业新冠肺炎疫情防控及复工复产工作方案（模板）\n\n")
	for i, sp := range pools {
		fmt.Fprintf(&b, "%s、%s\n", numerals[i], sp.title)
		for _, t := range sp.template {
			b.WriteString(t)
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

// Doc is one plan of a corpus.
type Doc struct {
	ID           int64 // 1-based index in the corpus; also the enterprise id
	EnterpriseID int64
	Text         string
	SourceID     int64   // the original this plan copies, 0 for an original
	EditShare    float64 // share of sentences rewritten in the copy
	Template     bool
}

// CorpusOptions shapes a corpus. Zero fields take the defaults beside them.
type CorpusOptions struct {
	CopyShare     float64 // share of plans that copy an earlier original (0.05)
	TemplateShare float64 // share of plans built on the official template (0.5)
	MaxEditShare  float64 // copies rewrite a uniform 0..MaxEditShare of sentences (0.3)
	MinChars      int     // 1000
	MaxChars      int     // 5000
}

// Corpus is a deterministic, streamable corpus of plans.
type Corpus struct {
	seed  uint64
	opt   CorpusOptions
	vocab []string
}

// NewCorpus returns the corpus fixed by seed and opt.
func NewCorpus(seed uint64, opt CorpusOptions) *Corpus {
	if opt.CopyShare == 0 {
		opt.CopyShare = 0.05
	}
	if opt.TemplateShare == 0 {
		opt.TemplateShare = 0.5
	}
	if opt.MaxEditShare == 0 {
		opt.MaxEditShare = 0.3
	}
	if opt.MinChars == 0 {
		opt.MinChars = 1000
	}
	if opt.MaxChars == 0 {
		opt.MaxChars = 5000
	}
	return &Corpus{seed: seed, opt: opt, vocab: vocabulary(3000)}
}

// original returns plan i written as an original, whatever it is in the corpus.
func (c *Corpus) original(i int) Plan {
	g := newGenerator(c.seed, uint64(i)<<1, c.vocab)
	template := g.r.Float64() < c.opt.TemplateShare
	return g.Plan(g.Company(), template, c.opt.MinChars, c.opt.MaxChars)
}

// Doc returns document i (1-based). Document 1 is always an original; a
// copy's source is an earlier original.
func (c *Corpus) Doc(i int) Doc {
	g := newGenerator(c.seed, uint64(i)<<1|1, c.vocab)
	d := Doc{ID: int64(i), EnterpriseID: int64(i)}
	if i > 1 && g.r.Float64() < c.opt.CopyShare {
		src := 1 + g.r.IntN(i-1)
		for src > 1 && c.isCopy(src) {
			src = 1 + g.r.IntN(src-1)
		}
		if !c.isCopy(src) {
			edit := g.r.Float64() * c.opt.MaxEditShare
			p := g.Copy(c.original(src), g.Company(), edit, g.r.IntN(2) == 0)
			d.Text, d.SourceID, d.EditShare, d.Template = p.Text(), int64(src), edit, p.Template
			return d
		}
	}
	p := c.original(i)
	d.Text, d.Template = p.Text(), p.Template
	return d
}

// isCopy reports whether document i is a copy (the first draw of its stream).
func (c *Corpus) isCopy(i int) bool {
	if i <= 1 {
		return false
	}
	g := newGenerator(c.seed, uint64(i)<<1|1, c.vocab)
	return g.r.Float64() < c.opt.CopyShare
}
