//! Whole-line expectations for log formats whose PHI sits in structure rather than next to
//! a keyword (HL7 v2 fields, SQL column lists, CSV headers, FHIR resources), for exact span
//! boundaries (names end before the next keyword, query values end at whitespace), and for
//! ops shapes that must stay untouched (certificate serials, browser versions, snowflake
//! ids, the log's own timestamp). Synthetic values only. Run on both engines.

use std::sync::Arc;

use phiscrub::detect::{DetectConfig, Detector, EngineChoice, PhiType};

fn engines() -> Vec<EngineChoice> {
    let mut e = vec![EngineChoice::Portable];
    if cfg!(feature = "hyperscan") {
        e.push(EngineChoice::Hyperscan);
    }
    e
}

/// (type, text) of every finding on `line`, on every engine (they must agree).
fn findings(line: &str) -> Vec<(PhiType, String)> {
    let mut all: Option<Vec<(PhiType, String)>> = None;
    for engine in engines() {
        let det = Arc::new(
            Detector::build(&DetectConfig {
                engine,
                ..DetectConfig::default()
            })
            .expect("build"),
        );
        let mut s = det.scanner();
        let mut out = Vec::new();
        s.scan_line(line.as_bytes(), &mut out).expect("scan");
        let got: Vec<(PhiType, String)> = out
            .iter()
            .map(|f| (f.phi_type, line[f.start..f.end].to_owned()))
            .collect();
        if let Some(prev) = &all {
            assert_eq!(prev, &got, "engines differ on {line}");
        }
        all = Some(got);
    }
    all.expect("at least one engine")
}

#[track_caller]
fn expect(line: &str, want: &[(PhiType, &str)]) {
    let got = findings(line);
    for (ty, text) in want {
        assert!(
            got.iter().any(|(t, x)| t == ty && x == text),
            "missing {ty:?} `{text}` on: {line}\n got: {got:?}"
        );
    }
}

#[track_caller]
fn clean(line: &str) {
    let got = findings(line);
    assert!(
        got.is_empty(),
        "expected no findings on: {line}\n got: {got:?}"
    );
}

use PhiType::*;

#[test]
fn names_stop_before_keywords_and_cue_words() {
    expect(
        "Patient John Smith DOB 01/02/1960 seen",
        &[(Name, "John Smith"), (Date, "01/02/1960")],
    );
    expect("patient Mark O'Brien admitted", &[(Name, "Mark O'Brien")]);
    expect(
        "emergency contact Rosa van der Berg called",
        &[(Name, "Rosa van der Berg")],
    );
    expect("referral sent attn Dr. Okafor", &[(Name, "Okafor")]);
    expect(
        "INFO Caller Kimberly Oyelaran called from",
        &[(Name, "Kimberly Oyelaran")],
    );
}

#[test]
fn hl7_segments_are_read_by_field_position() {
    let line = "hl7: inbound ADT^A04 PID|1||125-366-09^^^HOSP^MR||YOUNG^DEBORAH^^^||19611225|F|||750 WASHINGTON CIRCLE^^SAVANNAH^IL^41736||612-555-0176|||||2370-490022|299-61-3039";
    expect(
        line,
        &[
            (Mrn, "125-366-09"),
            (Date, "19611225"),
            (Address, "SAVANNAH"),
            (Zip, "41736"),
            (Account, "2370-490022"),
            (Ssn, "299-61-3039"),
        ],
    );
    expect(
        "hl7 PV1|1|I|4W^412^B|||||2704519687^ABERNATHY^JAMES^^^^^MD|||MED||||||||V7893202|||||||||||||||||||||||||202403140157",
        &[(Npi, "2704519687"), (Date, "202403140157")],
    );
    expect(
        "hl7 segment NK1|1|GARCIA^PAUL|SPO^Spouse|4611 Washington Blvd Unit 125^^Savannah^OH^72946|(404) 555-0117",
        &[(Address, "Savannah"), (Zip, "72946")],
    );
    clean("MSH|^~\\&|LAB|HOSP|EHR|HOSP|20250101120000||ORU^R01|MSG00001|P|2.5");
}

#[test]
fn sql_and_csv_values_take_their_column_names() {
    expect(
        "DEBUG o.h.SQL - insert into patients (first_name, last_name, dob, ssn, zip) values ('David', 'Lewis', '1999-04-17', '417-82-2033', '07735')",
        &[
            (Name, "David"),
            (Name, "Lewis"),
            (Date, "1999-04-17"),
            (Zip, "07735"),
        ],
    );
    expect(
        "DEBUG sql: INSERT INTO contacts VALUES ('82cb9414', 'Steven', 'Johnson', 'x@example.org')",
        &[(Name, "Steven"), (Name, "Johnson")],
    );
    expect(
        "import: bad row 17 (header: mrn,last,first,dob,phone): 3309773355,Jackson,Joshua,07/13/2025,215-555-0176",
        &[(Mrn, "3309773355"), (Date, "07/13/2025")],
    );
}

#[test]
fn headerless_record_rows_are_read_by_their_cells_shapes() {
    expect(
        "WARN loader: rejected CLM2031770041|Q77120934|OKONJO|ADAEZE|19580212|20240411|99213|E11.9|1245319599|212.40|DENIED",
        &[
            (Name, "OKONJO"),
            (Name, "ADAEZE"),
            (Date, "19580212"),
            (Date, "20240411"),
            (Npi, "1245319599"),
        ],
    );
    expect(
        r#"export row "A5530912","Lindqvist, Saoirse","02/29/1952","PO Box 77","Flagstaff","AZ","86001-4410",,Y,PCP-7"#,
        &[
            (Name, "Lindqvist, Saoirse"),
            (Date, "02/29/1952"),
            (Address, "Flagstaff"),
            (Zip, "86001-4410"),
        ],
    );
    // Rows about no one: inventory, metrics.
    clean("inventory: SKU-100234,Widget,Blue,20240301,19.99,12,warehouse-7");
    clean("metrics 2024-03-01,us-east-1,i-0abc123def456,RUNNING,1234567,0.53,ok");
}

#[test]
fn fhir_name_parts_and_identifier_systems() {
    expect(
        r#"{"resourceType":"Patient","identifier":[{"system":"http://hospital.example.org/mrn","value":"4239992810"}],"name":[{"family":"Young","given":["Kevin","Lee"]}]}"#,
        &[
            (Mrn, "4239992810"),
            (Name, "Young"),
            (Name, "Kevin"),
            (Name, "Lee"),
        ],
    );
}

#[test]
fn xml_x12_and_nested_json_names() {
    expect(
        r#"cda: <patient><name><given>Evelyn</given><family>Carter</family></name><birthTime value="19470930"/></patient>"#,
        &[(Name, "Evelyn"), (Name, "Carter"), (Date, "19470930")],
    );
    expect(
        "x12 270 out: ST*270*0001~NM1*IL*1*OYELARAN*AMARA****MI*W123456789~DMG*D8*19620314*F~SE*4*0001~",
        &[
            (Name, "OYELARAN"),
            (Name, "AMARA"),
            (HealthPlanId, "W123456789"),
            (Date, "19620314"),
        ],
    );
    expect(
        "<Patient><Name><Given>Amara</Given><Family>Oyelaran</Family></Name></Patient>",
        &[(Name, "Amara"), (Name, "Oyelaran")],
    );
    let got = findings("<member>NODE-12345</member> serf: member node-12345 joined");
    assert!(got.is_empty(), "{got:?}");
    expect(
        r#"{"patient":{"name":{"first":"Amara","last":"Oyelaran"},"status":"active"}}"#,
        &[(Name, "Amara"), (Name, "Oyelaran")],
    );
}

#[test]
fn cue_names_in_last_first_form_and_query_apostrophes() {
    expect(
        "specimen collected 5-Apr-2022 for GREEN, Lakshmi, result posted",
        &[(Name, "GREEN, Lakshmi")],
    );
    expect(
        "DEBUG sql: INSERT INTO contacts VALUES ('ef46', 'Oluwaseun', 'Kowalski', 'x@example.org')",
        &[(Name, "Oluwaseun"), (Name, "Kowalski")],
    );
    let line = "GET https://ehr.example.org/view?patientId=0480499500&name=Joshua+O'Brien by u1";
    let got = findings(line);
    assert!(
        got.iter().any(|(_, x)| x.ends_with("O'Brien")),
        "the apostrophe ends nothing: {got:?}"
    );
    expect(
        "chart-sync: conflict on record 2153589 - patient DOD 5/25/2022",
        &[(Mrn, "2153589")],
    );
}

#[test]
fn dates_on_lines_about_a_person_but_never_the_log_timestamp() {
    expect(
        "2025-08-13T22:36:02.473Z lab-results: specimen SPC-55037680 collected 2023-08-14 for MARTIN, Melissa",
        &[(Date, "2023-08-14")],
    );
    expect(
        "scheduler: Mrs. Fitzgerald moved to 02/11/2024 10:30",
        &[(Name, "Fitzgerald"), (Date, "02/11/2024")],
    );
    let got = findings("2025-11-23 10:00:01 INFO patient Jennifer Walsh admitted");
    assert!(
        !got.iter().any(|(t, _)| *t == Date),
        "the log timestamp is not PHI: {got:?}"
    );
    clean("2025-11-23 10:00:01 INFO cache refreshed 04/23/2023 entries=12");
    expect(
        "2025-11-23 10:00:01 INFO note: admitted 2024-03-14 10:30:00 via ED",
        &[(Date, "2024-03-14")],
    );
    expect(
        "import: born 1962-03-14 00:00:00 ok",
        &[(Date, "1962-03-14")],
    );
}

#[test]
fn ids_urls_phones_and_ages() {
    expect(
        "rpm-ingest: handset bound to member ZGP53635801: bp=142/91",
        &[(HealthPlanId, "ZGP53635801")],
    );
    expect(
        "proxy: \"GET /members/MBR-55220968/claims HTTP/1.1\" 200",
        &[(Url, "/members/MBR-55220968/claims")],
    );
    expect(
        "\"GET /portal/api/lookup?email=joseph_fitzgerald18%40example.org&dob=2003-03-01 HTTP/1.1\" 200",
        &[(Date, "2003-03-01")],
    );
    let got = findings("GET /lookup?email=joseph_fitzgerald18%40example.org HTTP/1.1");
    assert!(
        got.iter()
            .any(|(t, x)| *t == Email && x.contains("%40example.org")),
        "{got:?}"
    );
    expect(
        "2FA code sent to +12065550122 (user)",
        &[(Phone, "+12065550122")],
    );
    expect(
        "patient DOD 5/25/2022, age at death 98",
        &[(AgeOver89, "98")],
    );
}

#[test]
fn ops_shapes_stay_untouched() {
    clean("WARN certificate expires soon, serial=1e:6d:a8:ed:5f:71:97:52:15:50:36:e7:f6:1d:69:e9");
    clean("tls fingerprint aa:bb:cc:dd:ee:ff:00:11 pinned");
    clean(
        "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\"",
    );
    clean("kafka: snowflake id=4082863518399260455 committed");
    expect(
        "session start client=2601:b23:e648:bb97::24 ua=\"python-requests/2.31.0\"",
        &[(Ip, "2601:b23:e648:bb97::24")],
    );
}

#[test]
fn percent_encoded_query_strings_and_form_bodies() {
    // An SMS webhook posted as a form and a portal request: the values are percent-encoded.
    expect(
        "POST /hooks/sms From=%2B12065550122&Body=confirm%20appt&SmsSid=SM0a1b",
        &[(PhiType::Phone, "%2B12065550122")],
    );
    expect(
        "GET /portal/profile?email=kwame.boateng%40fastmail.net&patient_name=Kwame%20Boateng HTTP/1.1",
        &[
            (PhiType::Email, "kwame.boateng%40fastmail.net"),
            (PhiType::Name, "Kwame%20Boateng"),
        ],
    );
    clean("GET /kb/search?q=chest%20pain%20triage&sort=updated%3Adesc&page=2 HTTP/1.1 200");
}

#[test]
fn asap_prescription_monitoring_report() {
    // ASAP 4.2, as uploaded to a state PDMP: PAT-02 07 says PAT-03 is an SSN.
    expect(
        "pdmp batch 4471: PAT**07*219099999****HALVORSEN*INGRID*R***702 BIRCH LN**FARGO*ND*58102*7015550177*19380912*F~DSP*00*6612209*20240405*1*20240407*0*01*00093015001*30*30~PRE*1234567893*AB1234563**ND44120*PARIKH*ROHAN~",
        &[
            (PhiType::Ssn, "219099999"),
            (PhiType::Name, "HALVORSEN"),
            (PhiType::Address, "702 BIRCH LN"),
            (PhiType::Zip, "58102"),
            (PhiType::Date, "19380912"),
            (PhiType::OtherId, "6612209"),
            (PhiType::Date, "20240407"),
            (PhiType::Npi, "1234567893"),
            (PhiType::Name, "PARIKH"),
        ],
    );
}

#[test]
fn coded_displays_and_titles_are_not_names() {
    // A coded element's display (`displayName="Female"`) and a document title under a
    // name-like key are not people; a display name that reads as one still is.
    clean(
        r#"<administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1" displayName="Female"/><code code="34133-9" displayName="Summarization of Episode Note"/>"#,
    );
    expect(
        r#"{"userPrincipalName":"x1@tenant.example","displayName":"Keisha Dorsey"}"#,
        &[(PhiType::Name, "Keisha Dorsey")],
    );
}

#[test]
fn clinical_shorthand_dates_and_copulas() {
    // Notes and alerts leave the year out of dates of care (`adm 4/5`, `appt 4/28`,
    // `collected 6/25 18:57`) and write `Pt is Last, First`.
    expect(
        "77 YOF adm 4/5 for COPD. Pt is Abramowitz, Harpreet (MRN 4934244), PCP appt 4/28. DC'd 4/11 to SNF. Next visit August 23rd.",
        &[
            (PhiType::Date, "4/5"),
            (PhiType::Name, "Abramowitz, Harpreet"),
            (PhiType::Date, "4/28"),
            (PhiType::Date, "4/11"),
            (PhiType::Date, "August 23rd"),
        ],
    );
    expect(
        "specimen collected 6/25 18:57 - notify Dr. Kaplan",
        &[(PhiType::Date, "6/25")],
    );
    // Scores, ratios and a card's expiry are not month/days, even on a line about a person.
    let got = findings(
        r#"pt seen, pain 6/10, BP 95/60, strength 5/5; {"guarantor":"Naveen Brooks","exp":"04/30"}"#,
    );
    assert!(
        got.iter().all(|(t, _)| *t != PhiType::Date),
        "a ratio or expiry read as a date: {got:?}"
    );
}

#[test]
fn person_values_under_role_keys_and_whole_quoted_values() {
    expect(
        "FROI|02|EMPLOYEE=QUISPE,MILAN|TREATING=Lucia Petrossian|ST=MO",
        &[
            (PhiType::Name, "QUISPE,MILAN"),
            (PhiType::Name, "Lucia Petrossian"),
        ],
    );
    expect(
        r#"Event=InfusionStopped PatientName="PARK,PRIYA" Location=PCU-433-A"#,
        &[(PhiType::Name, "PARK,PRIYA")],
    );
    // A key's whole quoted value of two name-cased words, one in the dictionary.
    expect(
        r#"event=GRANT approver1="Ifeoma Kaplan" approver2="Aroha Castillo""#,
        &[
            (PhiType::Name, "Ifeoma Kaplan"),
            (PhiType::Name, "Aroha Castillo"),
        ],
    );
    clean(
        r#"{"event": "Order Placed", "x": "Will Power", "code": "Patient Record", "mode": "Application Start"}"#,
    );
}

#[test]
fn ids_and_names_written_beside_each_other() {
    expect(
        "S/O/A/P for Madison Lopez (3058016): stable; seen w/ wife",
        &[(PhiType::Name, "Madison Lopez"), (PhiType::Mrn, "3058016")],
    );
    expect(
        "Sepsis BPA fired for Z621970 / Zofia Adeyemi DOB 01/01/1961 - lactate pending",
        &[
            (PhiType::Mrn, "Z621970"),
            (PhiType::Name, "Zofia Adeyemi"),
            (PhiType::Date, "01/01/1961"),
        ],
    );
    expect(
        "AUDIT action=SEND_MESSAGE patient=MRN7588626 (Kaur, Emeka) ip=10.0.0.1",
        &[(PhiType::Name, "Kaur, Emeka")],
    );
    // Beside a name, a short number or a word in parentheses is no record number.
    let got = findings("patient Madison Lopez (86 YO F) ext (x4521), Dr. Chen (nephro)");
    assert!(
        got.iter()
            .all(|(t, _)| *t == PhiType::Name || *t == PhiType::AgeOver89),
        "{got:?}"
    );
}

#[test]
fn hl7_with_a_logger_rendered_segment_separator() {
    // `<0x0D>` is one logger's rendering of CR; the header's fields (`EPIC|STJ|`) are not
    // segments, and the PID that follows is read by field position.
    expect(
        r"MSH|^~\&|EPIC|STJ|COIIS|CODOH|20240611105350||VXU^V04^VXU_V04|D7A|P|2.5.1<0x0D>PID|1||0763235570^^^STJ^MR||NDLOVU^TARIQ^RAY^JR||20090529|M||1002-5^Race^CDCREC|26500 Briarwood Pl^^Pueblo^CO^81089^USA^H<0x0D>PD1|||||||||||02^Reminder^HL70215",
        &[
            (PhiType::Mrn, "0763235570"),
            (PhiType::Name, "NDLOVU"),
            (PhiType::Name, "TARIQ"),
            (PhiType::Date, "20090529"),
            (PhiType::Address, "Pueblo"),
            (PhiType::Zip, "81089"),
        ],
    );
}

#[test]
fn xml_value_wrappers_take_their_parents_meaning() {
    // InterSystems SDA: `<City><Code>…</Code></City>`, `<PatientNumber><Number>…`.
    expect(
        "SDA3 container: <Patient><BirthTime>1959-06-15T00:00:00</BirthTime><PatientNumbers><PatientNumber><Number>HM13378759</Number><Organization><Code>MVMC</Code></Organization></PatientNumber></PatientNumbers><Address><City><Code>BOWLING GREEN</Code></City><Zip><Code>42170</Code></Zip></Address></Patient>",
        &[
            (PhiType::Date, "1959-06-15T00:00:00"),
            (PhiType::Mrn, "HM13378759"),
            (PhiType::Address, "BOWLING GREEN"),
            (PhiType::Zip, "42170"),
        ],
    );
    let got = findings("<Organization><Code>MVMC</Code></Organization>");
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn multipart_form_parts_are_keyed_by_their_name() {
    // A logged multipart/form-data body, line breaks escaped: the part's `name="…"` is the
    // key, its value follows the blank line; an address after `\n` starts after the `n`.
    expect(
        r#"POST /v1/intake body=------WebKitFormBoundaryQ\r\nContent-Disposition: form-data; name="first_name"\r\n\r\nJosé\r\n------WebKitFormBoundaryQ\r\nContent-Disposition: form-data; name="dob"\r\n\r\n1940-08-14\r\n------WebKitFormBoundaryQ\r\nContent-Disposition: form-data; name="email"\r\n\r\nbegumj@ymail.com\r\n------WebKitFormBoundaryQ--"#,
        &[
            (PhiType::Name, "José"),
            (PhiType::Date, "1940-08-14"),
            (PhiType::Email, "begumj@ymail.com"),
        ],
    );
}

#[test]
fn machine_clients_and_named_servers_keep_their_addresses() {
    // A crawler, scanner or health checker is no patient: its address stays.
    clean(
        "2024-08-11 01:03:34 DFW56-P3 5805 66.249.65.136 GET d1.cloudfront.net /robots.txt 200 - \
         Mozilla/5.0%20(compatible;%20Googlebot/2.1;%20+http://www.google.com/bot.html) - -",
    );
    clean(
        r#"{"httpRequest":{"clientIp":"185.0.16.89","country":"NL","headers":[{"name":"User-Agent","value":"zgrab/0.x"}],"uri":"/vendor/eval-stdin.php"}}"#,
    );
    clean(
        r#"{"remote_addr":"54.188.251.39","request":"HEAD / HTTP/1.1","http_user_agent":"Amazon-Route53-Health-Check-Service (ref 1a2b)"}"#,
    );
    // The same request from a browser is a person's.
    expect(
        r#"{"httpRequest":{"clientIp":"185.0.16.89","headers":[{"name":"User-Agent","value":"Mozilla/5.0 (iPhone)"}]}}"#,
        &[(PhiType::Ip, "185.0.16.89")],
    );
    // A mail server named before its address; the sender's own address stays PHI.
    let line = "postfix/smtp[65027]: to=<pat@example.net>, relay=mx.example.com[198.51.100.7]:25, \
                X-Originating-IP: [203.0.113.45] from mail.example.org (mail.example.org [192.0.2.9])";
    let got = findings(line);
    assert!(
        got.iter()
            .any(|(t, x)| *t == PhiType::Ip && x == "203.0.113.45"),
        "{got:?}"
    );
    assert!(
        !got.iter()
            .any(|(t, x)| *t == PhiType::Ip && (x == "198.51.100.7" || x == "192.0.2.9")),
        "{got:?}"
    );
}

#[test]
fn numbers_after_a_glued_word_and_location_segments() {
    // A hex id right before a spaced run of numbers does not hide the client address.
    expect(
        "h2 2025-09-27T04:13:44.795637Z app/portal-prod/fb6dba9a4c822df7 71.132.152.156:55283 \
         172.18.20.167:8080 0.001 0.490 0.000 200 200 857 48637",
        &[(PhiType::Ip, "71.132.152.156")],
    );
    // An HL7 location master file names a place: its address and phone are not a patient's.
    clean(
        r"MSH|^~\&|EPIC|SFH|LIS|SFH|20250911140313||MFN^M05^MFN_M05|0944070351|P|2.5.1\x0dMFI|LOC^Location Master File^HL70175||UPD|||AL\x0dLOC|PACU^271^A^SFH|PACU Room 271|D|Saguaro Family Health|455 W Speedway Blvd^Ste 110^Burlington^VT^05411|(808)323-5358^WPN^PH",
    );
    // A display name is a person's only when it reads as one.
    clean(
        r#"{"actor":{"type":"PublicClientApp","alternateId":"svc-scim-provisioner","displayName":"SCIM Provisioner"}}"#,
    );
    expect(
        r#"{"actor":{"type":"User","displayName":"Maria Garcia"}}"#,
        &[(PhiType::Name, "Maria Garcia")],
    );
}
