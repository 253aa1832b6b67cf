//! Word lists for synthetic names: a mix of scripts and accents, and a few names with
//! commas and quotes, so that generated data exercises UTF-8 and CSV quoting.

pub(crate) const FAMILY: &[&str] = &[
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Kim", "Park",
    "Müller", "García", "Dubois", "Rossi", "Nowak", "Silva", "Tanaka", "Sato", "王", "李", "张",
    "刘", "陈", "O'Brien", "Nguyễn", "Öztürk",
];

pub(crate) const GIVEN: &[&str] = &[
    "Wei", "Jing", "Na", "Lei", "Jun", "Hui", "Yan", "Anna", "Ji-woo", "Piotr", "Lukas", "María",
    "Camille", "Yuki", "静", "伟", "娜", "敏", "Zoë", "Søren",
];

pub(crate) const TITLES: &[&str] = &[
    "CFO",
    "COO",
    "CIO",
    "CTO",
    "VP Sales",
    "Director IT",
    "Finance Manager",
    "Procurement Manager",
    "Legal Counsel",
    "Analyst",
    "Engineer",
    "Project Manager",
    "Head of Operations",
    "Director, Strategy",
];

pub(crate) const PLACES: &[&str] = &[
    "Osaka",
    "Hangzhou",
    "Shenzhen",
    "Lyon",
    "Porto",
    "Busan",
    "Kraków",
    "Munich",
    "Chengdu",
    "Nagoya",
    "São Paulo",
    "Zürich",
    "北京",
    "上海",
];

pub(crate) const SECTORS: &[&str] = &[
    "Foods",
    "Holdings",
    "Pharma",
    "Logistics",
    "Retail",
    "Energy",
    "Motors",
    "Textiles",
    "Bank",
    "Telecom",
    "Group",
];

/// Legal-form suffixes; some contain a comma or quotes on purpose.
pub(crate) const SUFFIXES: &[&str] = &["", "", "", "", " Ltd.", ", Inc.", " \"Star\" Co."];

pub(crate) const PRODUCTS: &[&str] = &[
    "Network",
    "Cloud",
    "ERP",
    "CRM",
    "Fleet",
    "Audit",
    "Security",
    "Data Platform",
    "Payroll",
];
