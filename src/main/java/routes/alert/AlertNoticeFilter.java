package routes.alert;

import routes.domain.Page;

/** What GET /api/alerts asks for: notices of one rule, in one state, about one subject (each null: any). */
public record AlertNoticeFilter(String rule, String state, String subject, Page page) {
}
