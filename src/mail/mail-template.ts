// What an e-mail template is: a subject, a text part and an HTML part, all rendered from the same data.
// The templates themselves live in templates/; mail composition only needs this shape.
export interface MailTemplate<Data> {
  subject(data: Data): string;
  text(data: Data): string;
  html(data: Data): string;
}
