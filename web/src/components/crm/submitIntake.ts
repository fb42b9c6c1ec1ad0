// The intake form's submit: the caller becomes a contact (the number's contact is updated, or a
// new one made), then a task for the chosen manager about the question.

import { contactInputOf, createContact, getCallerCard, updateContact } from '../../api/contacts';
import type { Contact, Task } from '../../api/crmTypes';
import { createTask } from '../../api/tasks';

export interface IntakeFields {
  phone: string;
  name: string;
  company: string;
  question: string;
  category: string;
  assignee: string;
}

export interface IntakeResult {
  contact: Contact;
  task: Task;
}

const kTitleLength = 80;

/** The task's title: the question's first line, cut at a word near 80 characters. */
export function questionSummary(question: string): string {
  const line = question.trim().split('\n')[0].trim();
  if (line.length <= kTitleLength) return line;
  const cut = line.slice(0, kTitleLength);
  const space = cut.lastIndexOf(' ');
  return `${(space > kTitleLength / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Which field of the form an API error is about: the contact's, the task's and the number lookup's fields. */
export function intakeFieldOf(field: string | undefined): string {
  if (!field) return '';
  if (field === 'number' || field.startsWith('phones[')) return 'phone';
  if (field === 'title' || field === 'detail') return 'question';
  return ['name', 'company', 'assignee'].includes(field) ? field : '';
}

/** Saves the contact and the task; an ApiError names the field that was refused. `categoryLabel` heads the category line of the task's text. */
export async function submitIntake(fields: IntakeFields, callId: string | undefined, categoryLabel: string): Promise<IntakeResult> {
  const phone = fields.phone.trim();
  // Looked up afresh: the number may have become a contact since the form opened.
  const card = await getCallerCard(phone);
  const known = card.contact;
  const contact = known
    ? await updateContact(known.id, { ...contactInputOf(known), name: fields.name.trim(), company: fields.company.trim() })
    : // The manager the question goes to looks after the new contact (their calls come back to them).
      await createContact({ name: fields.name.trim(), company: fields.company.trim(), owner: fields.assignee.trim(), email: '', notes: '', phones: [{ number: phone, label: '' }] });
  const question = fields.question.trim();
  const category = fields.category.trim();
  const task = await createTask({
    title: questionSummary(question),
    detail: category ? `${question}\n\n${categoryLabel}: ${category}` : question,
    assignee: fields.assignee.trim(),
    number: card.number,
    contact_id: contact.id,
    call_id: callId,
  });
  return { contact, task };
}
