/**
 * Phonebooks in the two XML shapes Yealink phones read.
 *
 * The remote phonebook (XML browser object, Yealink "XML Phonebook"):
 *
 *   <YealinkIPPhoneDirectory>
 *     <Title>…</Title>
 *     <DirectoryEntry>
 *       <Name>Alice Smith</Name>
 *       <Telephone>2001</Telephone>
 *       <Telephone label="Mobile">+44 7700 900123</Telephone>
 *     </DirectoryEntry>
 *   </YealinkIPPhoneDirectory>
 *
 * The local contact file (Yealink admin guide, "Customizing a Local Contact
 * File"), often as two top-level elements, sometimes inside <vp_contact>:
 *
 *   <root_group><group display_name="All Contacts" ring="Auto"/></root_group>
 *   <root_contact>
 *     <contact display_name="Alice" office_number="2001" mobile_number=""
 *              other_number="" line="0" ring="Auto" group_id_name="All Contacts"/>
 *   </root_contact>
 *
 * A <Telephone> with no label attribute is the office number when it is the
 * entry's first, "other" after that. Other elements and attributes (Title,
 * SoftKey, groups, line, photos) are not the phonebook's business and are
 * passed over.
 */
import { checkContact, numberLabelOf, type ContactInput, type ContactNumber } from './contact.js';
import { failedParse, type ImportSkip, type ParsedContact, type ParsedPhonebook } from './import-report.js';
import { childrenNamed, parseXmlFragment, XmlSyntaxError, type XmlElement } from './xml-fragment.js';

export const REMOTE_ROOT = 'YealinkIPPhoneDirectory';
export const LOCAL_LIST = 'root_contact';

type EntryRead = ContactInput | string;

function remoteEntry(entry: XmlElement): EntryRead {
  const names = childrenNamed(entry, 'Name');
  if (names.length === 0) return 'no <Name>';
  if (names.length > 1) return 'more than one <Name>';
  const numbers: ContactNumber[] = childrenNamed(entry, 'Telephone').map((t, i) => ({
    label: numberLabelOf(t.attributes.get('label') ?? '') ?? (i === 0 ? 'office' : 'other'),
    number: t.text,
  }));
  return { name: names[0]?.text ?? '', numbers };
}

function localEntry(contact: XmlElement): EntryRead {
  const name = contact.attributes.get('display_name');
  if (name === undefined) return 'no display_name attribute';
  const numbers: ContactNumber[] = [
    { label: 'office', number: contact.attributes.get('office_number') ?? '' },
    { label: 'mobile', number: contact.attributes.get('mobile_number') ?? '' },
    { label: 'other', number: contact.attributes.get('other_number') ?? '' },
  ];
  const ring = contact.attributes.get('ring');
  return ring === undefined ? { name, numbers } : { name, numbers, ring };
}

function readEntries(entries: readonly XmlElement[], read: (e: XmlElement) => EntryRead): ParsedPhonebook {
  const contacts: ParsedContact[] = [];
  const skipped: ImportSkip[] = [];
  entries.forEach((element, i) => {
    const at = { line: element.line, entry: i + 1 };
    const entry = read(element);
    const checked = typeof entry === 'string' ? { ok: false as const, reason: entry } : checkContact(entry);
    if (checked.ok) contacts.push({ ...at, contact: checked.contact });
    else skipped.push({ ...at, reason: checked.reason });
  });
  return { contacts, skipped };
}

export function readYealinkXmlPhonebook(text: string): ParsedPhonebook {
  let roots: readonly XmlElement[];
  try {
    const fragment = parseXmlFragment(text);
    const encoding = fragment.declaration.get('encoding');
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) return failedParse(`the file declares encoding ${encoding}; only UTF-8 is read`);
    roots = fragment.roots;
  } catch (e) {
    if (e instanceof XmlSyntaxError) return failedParse(`not well-formed XML: ${e.message}`);
    throw e;
  }
  const remote = roots.find((r) => r.name === REMOTE_ROOT);
  if (remote !== undefined) return readEntries(childrenNamed(remote, 'DirectoryEntry'), remoteEntry);
  const local = roots.find((r) => r.name === LOCAL_LIST) ?? roots.flatMap((r) => childrenNamed(r, LOCAL_LIST))[0];
  if (local !== undefined) return readEntries(childrenNamed(local, 'contact'), localEntry);
  return failedParse(`neither a Yealink remote phonebook <${REMOTE_ROOT}> nor a local contact list <${LOCAL_LIST}>; the file has <${roots[0]?.name ?? ''}>`);
}
