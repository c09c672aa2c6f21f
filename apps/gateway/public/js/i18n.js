/* global document, navigator, localStorage */
// The pages' words in Dutch and English, and how they show times: in the
// city's time zone (from /api/map/config), 24-hour. The language comes from
// the browser until the user picks one; the pick is kept in localStorage.

const LANGUAGE_KEY = 'vulgraad.lang';
export const LANGUAGES = ['nl', 'en'];

const WORDS = {
  en: {
    'app.subtitle': 'live operations',
    'nav.fleetLink': 'Sensors & onboarding',
    'nav.fleetLinkShort': 'Sensors',
    'nav.queuesLink': 'Job queues',
    'nav.logout': 'Log out',
    'nav.language': 'Language',
    'connection.live': 'live',
    'connection.offline': 'offline',
    'search.label': 'Find a container by id or address',
    'search.placeholder': 'Container id or address',
    'search.none': 'No container matches',
    'search.results': '{n} found',
    'tabs.label': 'Panels',
    'tabs.alerts': 'Alerts',
    'tabs.alertsCount': 'Alerts, {n} open',
    'tabs.container': 'Container',
    'tabs.routes': 'Routes',
    'tabs.edits': 'Edits',
    'tabs.fleet': 'Fleet',
    'alerts.acknowledge': 'Acknowledge',
    'alerts.resolve': 'Resolve',
    'alerts.acknowledged': 'acknowledged',
    'alerts.more': 'and {n} more',
    'alerts.none': 'No open alerts.',
    'summary': '{alerts} open alerts · {containers} containers · {full} at 90 % or more · {rate} updates/s',
    'container.empty': 'Click a container on the map, or find it with the search.',
    'container.chart': 'Fill: last 7 days and the next 48 hours',
    'container.editTitle': 'Planner edit',
    'container.decisions': 'Decisions on this container',
    'fact.district': 'District',
    'fact.address': 'Address',
    'fact.fill': 'Fill',
    'fact.measured': 'Measured',
    'fact.temperature': 'Temperature',
    'fact.battery': 'Battery',
    'fact.flags': 'Flags',
    'fact.volume': 'Volume',
    'fact.alerts': 'Alerts',
    'none': 'none',
    'routes.none': 'No routes today.',
    'routes.show': 'Show',
    'routes.progress': '{done} of {total}',
    'routes.skipped': '{n} skipped',
    'routes.behind': '{n} min behind',
    'routes.ahead': '{n} min ahead',
    'routes.onTime': 'on time',
    'routes.notStarted': 'not reported yet',
    'routes.timeline': 'Timeline of the day',
    'routes.containers': '{n} containers',
    'routes.feedback': 'Reports from drivers',
    'routes.noFeedback': 'No reports yet today.',
    'stop.planned': 'planned',
    'stop.done': 'done',
    'stop.skipped': 'skipped',
    'stop.late': 'late',
    'stop.eta': 'expected {time}',
    'how.lift': 'lift',
    'how.driver': 'driver',
    'how.fill-drop': 'fill dropped near the truck',
    'legend.noReading': 'no reading',
    'legend.truck': 'truck',
    'legend.label': 'Fill colours',
    'login.title': 'Log in',
    'login.user': 'User name',
    'login.password': 'Password',
    'login.submit': 'Log in',
    'map.label': 'Map of containers, routes and trucks',
    'cause.temperature_high': 'Fire / temperature',
    'cause.container_full': 'Full',
    'cause.predicted_overflow': 'Will overflow',
    'cause.sensor_tilted': 'Sensor tilted / alarm',
    'cause.sensor_silent': 'Sensor silent',
    'cause.doubtful_data': 'Doubtful data',
    'cause.battery_low': 'Battery low',
    'cause.stop_skipped': 'Stop skipped',
    'feedback.emptied': 'emptied',
    'feedback.blocked': 'blocked',
    'feedback.damaged': 'damaged',
    'edit.action': 'Action',
    'edit.lock': 'lock: keep it on the plan',
    'edit.exclude': 'exclude: leave it out',
    'edit.add': 'add: take it anyway',
    'edit.clear': 'clear: withdraw my edits',
    'edit.shift': 'Shift',
    'edit.truck': 'Truck (lock only)',
    'edit.anyTruck': 'any truck',
    'edit.reason': 'Reason',
    'edit.why': 'why',
    'edit.save': 'Save edit',
    'why.none': 'Not on a route today.',
    'why.stop': 'Stop {n} of {truck} ({district} {fraction}, plan v{version}), planned {planned}',
    'why.done': 'done {time}',
    'why.because': 'Why: {reason}.',
    'why.must': 'it would overflow before the next chance to empty it',
    'why.worth': 'it is fairly full and close to the route anyway',
    'why.planner_added': 'a planner added it',
    'why.locked': 'a planner locked it on the plan',
    'why.fill': 'Fill now {now}, at arrival {arrival}',
    'why.risk': 'overflow risk {pct} %',
    'why.planner': 'Planner: {action} by {by}: "{reason}".',
    'why.history': 'The sensor is silent or doubtful: the forecast comes from history only.',
    'forecast.rate': 'Fills {rate} points an hour; full {when}. Sensor: {sensor}{history}.',
    'forecast.around': 'around {at} (between {from} and {to})',
    'forecast.notSoon': 'not within two weeks',
    'forecast.historyOnly': ', forecast from history only',
    'forecast.none': 'No forecast.',
    // The driver's page.
    'driver.title': 'My route',
    'driver.noRoute': 'No route for your truck today.',
    'driver.print': 'Print route sheet',
    'driver.queued': '{n} taps waiting for the network',
    'driver.allSent': 'All taps sent',
    'driver.navigate': 'Navigate',
    'driver.expect': 'expect about {pct} % full',
    'driver.photo': 'Photo (optional)',
    'driver.photoTooBig': 'The photo is too big ({size}); at most {max}.',
    'driver.saved': 'Saved',
    'driver.sentLater': 'Saved on the phone; it is sent when the network is back',
    'driver.refused': 'Refused: {message}',
    'driver.stop': 'Stop {n}',
    'driver.progress': '{done} of {total} done',
    'driver.truck': 'Truck {id}',
    'driver.sheet': 'Route sheet',
    'driver.tick': 'Done',
    'driver.planned': 'planned {time}',
    'action.done': 'Done',
    'action.blocked': 'Blocked',
    'action.not_accessible': 'Not accessible',
    'action.damaged': 'Damaged',
    'action.contaminated': 'Contaminated',
    'action.waste_beside': 'Waste beside it',
    'blocked.parked_car': 'Parked car',
    'blocked.road_works': 'Road works',
    'blocked.other': 'Other',
    'fraction.residual': 'residual',
    'fraction.paper': 'paper',
    'fraction.glass': 'glass',
    'fraction.plastic': 'plastic',
    'fraction.organic': 'organic',
    'fraction.textile': 'textile',
    // The fleet tab.
    'fleet.loading': 'Loading the fleet…',
    'fleet.trucks': 'Trucks ({n})',
    'fleet.depots': 'Depots',
    'fleet.sites': 'Disposal sites',
    'fleet.inService': 'in service',
    'fleet.broken': 'broken down',
    'fleet.brokenBecause': 'broken down: {reason}',
    'fleet.capacity': '{litres} L body × {compaction} / {kg} kg',
    'fleet.defaultCompaction': 'default',
    'fleet.shift': 'shift {shift}',
    'fleet.daily': '{from}–{to} daily',
    'fleet.break': 'break {n} min',
    'fleet.retired': 'retired',
    'fleet.open': 'open {from}–{to}',
    'fleet.unloading': 'unloading {n} min',
    'fleet.backInService': 'Back in service',
    'fleet.breakDown': 'Broken down',
    'fleet.edit': 'Edit',
    'fleet.whyBroken': 'Why is {name} out of service?',
    'fleet.field.capacityL': 'Body, litres',
    'fleet.field.capacityKg': 'Payload, kg',
    'fleet.field.compactionFactor': 'Compaction (empty = default)',
    'fleet.field.shiftStartMin': 'Shift start, minutes after midnight',
    'fleet.field.shiftEndMin': 'Shift end, minutes after midnight',
    'fleet.field.breakMin': 'Break, minutes (empty = the district\'s)',
    'fleet.save': 'Save truck',
    'fleet.saved': 'Saved.',
    'weekday.1': 'Mon',
    'weekday.2': 'Tue',
    'weekday.3': 'Wed',
    'weekday.4': 'Thu',
    'weekday.5': 'Fri',
    'weekday.6': 'Sat',
    'weekday.7': 'Sun',
    // The sensors-and-onboarding page.
    'sensors.title': 'vulgraad: sensors and onboarding',
    'sensors.subtitle': 'sensors and onboarding',
    'sensors.back': 'live map',
    'sensors.needLogin': 'Log in on the dashboard first; this page uses the same login.',
    'sensors.health': 'Sensor fleet health',
    'sensors.flag': 'Flag',
    'sensors.anyFlag': 'any',
    'sensors.district': 'District',
    'sensors.reference': 'Reference',
    'sensors.days': 'Days',
    'sensors.show': 'Show',
    'sensors.csv': 'Export CSV',
    'sensors.col.sensor': 'sensor',
    'sensors.col.container': 'container',
    'sensors.col.district': 'district',
    'sensors.col.lastMessage': 'last message',
    'sensors.col.battery': 'battery %',
    'sensors.col.trend': 'trend %/day',
    'sensors.col.emptyIn': 'empty in days',
    'sensors.col.rssi': 'RSSI',
    'sensors.col.snr': 'SNR',
    'sensors.col.flagged': 'flagged',
    'sensors.col.received': 'received (3 d)',
    'sensors.col.rejected': 'rejected',
    'sensors.col.flags': 'flags',
    'sensors.never': 'never',
    'sensors.summary': '{n} sensors, {flagged} with flags',
    'sensors.rejectedOf': 'Rejected messages of {ref} ({n})',
    'sensors.onboarding': 'Onboarding',
    'sensors.sensor': 'Sensor',
    'sensors.devEuiHint': 'LoRaWAN only',
    'sensors.model': 'Model',
    'sensors.modelHint': 'decoder, if raw bytes',
    'sensors.lorawanApplication': 'LoRaWAN application',
    'sensors.containerId': 'Container id',
    'sensors.containerHint': 'bind to (optional)',
    'sensors.makeSecret': 'make a secret (MQTT login, HTTP door)',
    'sensors.register': 'Register',
    'sensors.applicationId': 'Application id',
    'sensors.name': 'Name',
    'sensors.defaultModel': 'Default model',
    'sensors.save': 'Save',
    'sensors.integration': 'Network server over HTTP',
    'sensors.kind': 'Kind',
    'sensors.applications': 'Applications',
    'sensors.applicationsAny': 'comma-separated; empty = any',
    'sensors.createSecret': 'Create / new secret',
    'sensors.account': 'Broker account',
    'sensors.userName': 'User name',
    'sensors.kind.network_server': 'network server',
    'sensors.kind.service': 'service',
    'sensors.applicationsTenant': 'app@tenant, comma-separated',
    'sensors.createPassword': 'Create / new password',
    'sensors.secretOnce': 'A secret is shown here once and stored hashed; copy it into the sensor\'s or network server\'s configuration now.',
    'sensors.manyAtOnce': 'Many containers and sensors at once:',
    'sensors.manyHow': 'with a CSV or GeoJSON (see the README).',
    'sensors.registered': 'sensor {ref} registered (id {id})',
    'sensors.fitted': 'fitted to container {container} from now on',
    'sensors.brokerLogin': 'broker login: user {user}',
    'sensors.secretShownOnce': 'secret (shown once): ',
    'sensors.refused': 'refused ({status}): {message}',
    'sensors.applicationSaved': 'LoRaWAN application {id} saved; default model {model}; {n} devices',
    'sensors.integrationMade': '{kind} integration {name}: POST {path}',
    'sensors.configure': 'configure: {json}',
    'sensors.accountMade': '{kind} account {name}',
    'sensors.broker.embedded': 'the embedded broker checks logins against the registry as they come: nothing to reload',
    'sensors.broker.written': 'files written to {folder}; reload Mosquitto (SIGHUP) for them to apply',
    'sensors.broker.reloaded': 'files written to {folder}; Mosquitto (pid {pid}) told to read them',
    'sensors.broker.not_signalled': 'files written to {folder}; Mosquitto could not be signalled ({error}): reload it by hand',
    'sensors.httpDoor': 'HTTP: POST {path} with header X-Vulgraad-Secret',
    'sensors.deviceSecretNote': 'shown once, stored hashed: put it in the device\'s configuration now',
    'sensors.mosquittoCannotHold': '"{ref}" has characters Mosquitto\'s files cannot hold; only the embedded broker accepts it',
    'sensors.passwordNote': 'the password: shown once, stored hashed',
    'sensors.integrationNote': 'shown once: the secret goes into the network server\'s configuration now',
    'flag.silent': 'silent',
    'flag.battery_low': 'battery_low',
    'flag.battery_failing': 'battery_failing',
    'flag.gaps_growing': 'gaps_growing',
    'flag.weak_signal': 'weak_signal',
    'flag.doubtful_data': 'doubtful_data',
    'flag.rejected_messages': 'rejected_messages',
  },
  nl: {
    'app.subtitle': 'live operatie',
    'nav.fleetLink': 'Sensoren & aanmelden',
    'nav.fleetLinkShort': 'Sensoren',
    'nav.queuesLink': 'Taakwachtrijen',
    'nav.logout': 'Uitloggen',
    'nav.language': 'Taal',
    'connection.live': 'live',
    'connection.offline': 'offline',
    'search.label': 'Zoek een container op id of adres',
    'search.placeholder': 'Container-id of adres',
    'search.none': 'Geen container gevonden',
    'search.results': '{n} gevonden',
    'tabs.label': 'Panelen',
    'tabs.alerts': 'Meldingen',
    'tabs.alertsCount': 'Meldingen, {n} open',
    'tabs.container': 'Container',
    'tabs.routes': 'Routes',
    'tabs.edits': 'Wijzigingen',
    'tabs.fleet': 'Wagenpark',
    'alerts.acknowledge': 'Bevestigen',
    'alerts.resolve': 'Afhandelen',
    'alerts.acknowledged': 'bevestigd',
    'alerts.more': 'en nog {n}',
    'alerts.none': 'Geen open meldingen.',
    'summary': '{alerts} open meldingen · {containers} containers · {full} op 90 % of meer · {rate} updates/s',
    'container.empty': 'Klik op een container op de kaart, of zoek hem op.',
    'container.chart': 'Vulling: afgelopen 7 dagen en komende 48 uur',
    'container.editTitle': 'Wijziging door planner',
    'container.decisions': 'Besluiten over deze container',
    'fact.district': 'Stadsdeel',
    'fact.address': 'Adres',
    'fact.fill': 'Vulling',
    'fact.measured': 'Gemeten',
    'fact.temperature': 'Temperatuur',
    'fact.battery': 'Batterij',
    'fact.flags': 'Vlaggen',
    'fact.volume': 'Inhoud',
    'fact.alerts': 'Meldingen',
    'none': 'geen',
    'routes.none': 'Vandaag geen routes.',
    'routes.show': 'Toon',
    'routes.progress': '{done} van {total}',
    'routes.skipped': '{n} overgeslagen',
    'routes.behind': '{n} min achter',
    'routes.ahead': '{n} min voor',
    'routes.onTime': 'op schema',
    'routes.notStarted': 'nog niet gemeld',
    'routes.timeline': 'Tijdlijn van de dag',
    'routes.containers': '{n} containers',
    'routes.feedback': 'Meldingen van chauffeurs',
    'routes.noFeedback': 'Vandaag nog geen meldingen.',
    'stop.planned': 'gepland',
    'stop.done': 'geleegd',
    'stop.skipped': 'overgeslagen',
    'stop.late': 'te laat',
    'stop.eta': 'verwacht {time}',
    'how.lift': 'lift',
    'how.driver': 'chauffeur',
    'how.fill-drop': 'vulling daalde bij de wagen',
    'legend.noReading': 'geen meting',
    'legend.truck': 'wagen',
    'legend.label': 'Kleuren van de vulling',
    'login.title': 'Inloggen',
    'login.user': 'Gebruikersnaam',
    'login.password': 'Wachtwoord',
    'login.submit': 'Inloggen',
    'map.label': 'Kaart met containers, routes en wagens',
    'cause.temperature_high': 'Brand / temperatuur',
    'cause.container_full': 'Vol',
    'cause.predicted_overflow': 'Loopt over',
    'cause.sensor_tilted': 'Sensor gekanteld / alarm',
    'cause.sensor_silent': 'Sensor stil',
    'cause.doubtful_data': 'Twijfelachtige meting',
    'cause.battery_low': 'Batterij bijna leeg',
    'cause.stop_skipped': 'Stop overgeslagen',
    'feedback.emptied': 'geleegd',
    'feedback.blocked': 'geblokkeerd',
    'feedback.damaged': 'beschadigd',
    'edit.action': 'Actie',
    'edit.lock': 'vastzetten: op het plan houden',
    'edit.exclude': 'uitsluiten: niet meenemen',
    'edit.add': 'toevoegen: toch meenemen',
    'edit.clear': 'wissen: mijn wijzigingen intrekken',
    'edit.shift': 'Dienst',
    'edit.truck': 'Wagen (alleen vastzetten)',
    'edit.anyTruck': 'elke wagen',
    'edit.reason': 'Reden',
    'edit.why': 'waarom',
    'edit.save': 'Wijziging opslaan',
    'why.none': 'Vandaag op geen route.',
    'why.stop': 'Stop {n} van {truck} ({district} {fraction}, plan v{version}), gepland {planned}',
    'why.done': 'geleegd {time}',
    'why.because': 'Waarom: {reason}.',
    'why.must': 'hij loopt over voor de volgende kans om hem te legen',
    'why.worth': 'hij is tamelijk vol en ligt toch langs de route',
    'why.planner_added': 'een planner heeft hem toegevoegd',
    'why.locked': 'een planner heeft hem op het plan vastgezet',
    'why.fill': 'Vulling nu {now}, bij aankomst {arrival}',
    'why.risk': 'kans op overlopen {pct} %',
    'why.planner': 'Planner: {action} door {by}: "{reason}".',
    'why.history': 'De sensor is stil of twijfelachtig: de verwachting komt alleen uit de geschiedenis.',
    'forecast.rate': 'Vult {rate} punten per uur; vol {when}. Sensor: {sensor}{history}.',
    'forecast.around': 'rond {at} (tussen {from} en {to})',
    'forecast.notSoon': 'niet binnen twee weken',
    'forecast.historyOnly': ', verwachting alleen uit de geschiedenis',
    'forecast.none': 'Geen verwachting.',
    'driver.title': 'Mijn route',
    'driver.noRoute': 'Vandaag geen route voor je wagen.',
    'driver.print': 'Routeblad afdrukken',
    'driver.queued': '{n} tikken wachten op het netwerk',
    'driver.allSent': 'Alles verstuurd',
    'driver.navigate': 'Navigeer',
    'driver.expect': 'verwacht ongeveer {pct} % vol',
    'driver.photo': 'Foto (mag)',
    'driver.photoTooBig': 'De foto is te groot ({size}); hoogstens {max}.',
    'driver.saved': 'Opgeslagen',
    'driver.sentLater': 'Bewaard op de telefoon; gaat mee zodra er netwerk is',
    'driver.refused': 'Geweigerd: {message}',
    'driver.stop': 'Stop {n}',
    'driver.progress': '{done} van {total} klaar',
    'driver.truck': 'Wagen {id}',
    'driver.sheet': 'Routeblad',
    'driver.tick': 'Klaar',
    'driver.planned': 'gepland {time}',
    'action.done': 'Geleegd',
    'action.blocked': 'Geblokkeerd',
    'action.not_accessible': 'Niet bereikbaar',
    'action.damaged': 'Beschadigd',
    'action.contaminated': 'Vervuild',
    'action.waste_beside': 'Bijplaatsing',
    'blocked.parked_car': 'Geparkeerde auto',
    'blocked.road_works': 'Werk in uitvoering',
    'blocked.other': 'Anders',
    'fraction.residual': 'restafval',
    'fraction.paper': 'papier',
    'fraction.glass': 'glas',
    'fraction.plastic': 'plastic',
    'fraction.organic': 'gft',
    'fraction.textile': 'textiel',
    'fleet.loading': 'Het wagenpark wordt geladen…',
    'fleet.trucks': 'Wagens ({n})',
    'fleet.depots': 'Depots',
    'fleet.sites': 'Stortplaatsen',
    'fleet.inService': 'in dienst',
    'fleet.broken': 'defect',
    'fleet.brokenBecause': 'defect: {reason}',
    'fleet.capacity': 'laadbak {litres} L × {compaction} / {kg} kg',
    'fleet.defaultCompaction': 'standaard',
    'fleet.shift': 'dienst {shift}',
    'fleet.daily': 'dagelijks {from}–{to}',
    'fleet.break': 'pauze {n} min',
    'fleet.retired': 'buiten gebruik',
    'fleet.open': 'open {from}–{to}',
    'fleet.unloading': 'lossen {n} min',
    'fleet.backInService': 'Weer in dienst',
    'fleet.breakDown': 'Defect',
    'fleet.edit': 'Bewerken',
    'fleet.whyBroken': 'Waarom is {name} buiten dienst?',
    'fleet.field.capacityL': 'Laadbak, liter',
    'fleet.field.capacityKg': 'Laadvermogen, kg',
    'fleet.field.compactionFactor': 'Compactie (leeg = standaard)',
    'fleet.field.shiftStartMin': 'Begin dienst, minuten na middernacht',
    'fleet.field.shiftEndMin': 'Einde dienst, minuten na middernacht',
    'fleet.field.breakMin': 'Pauze, minuten (leeg = die van het stadsdeel)',
    'fleet.save': 'Wagen opslaan',
    'fleet.saved': 'Opgeslagen.',
    'weekday.1': 'ma',
    'weekday.2': 'di',
    'weekday.3': 'wo',
    'weekday.4': 'do',
    'weekday.5': 'vr',
    'weekday.6': 'za',
    'weekday.7': 'zo',
    'sensors.title': 'vulgraad: sensoren en aanmelden',
    'sensors.subtitle': 'sensoren en aanmelden',
    'sensors.back': 'live kaart',
    'sensors.needLogin': 'Log eerst in op het dashboard; deze pagina gebruikt dezelfde login.',
    'sensors.health': 'Gezondheid van de sensoren',
    'sensors.flag': 'Vlag',
    'sensors.anyFlag': 'alle',
    'sensors.district': 'Stadsdeel',
    'sensors.reference': 'Kenmerk',
    'sensors.days': 'Dagen',
    'sensors.show': 'Toon',
    'sensors.csv': 'CSV exporteren',
    'sensors.col.sensor': 'sensor',
    'sensors.col.container': 'container',
    'sensors.col.district': 'stadsdeel',
    'sensors.col.lastMessage': 'laatste bericht',
    'sensors.col.battery': 'batterij %',
    'sensors.col.trend': 'trend %/dag',
    'sensors.col.emptyIn': 'leeg over dagen',
    'sensors.col.rssi': 'RSSI',
    'sensors.col.snr': 'SNR',
    'sensors.col.flagged': 'gemarkeerd',
    'sensors.col.received': 'ontvangen (3 d)',
    'sensors.col.rejected': 'geweigerd',
    'sensors.col.flags': 'vlaggen',
    'sensors.never': 'nooit',
    'sensors.summary': '{n} sensoren, {flagged} met vlaggen',
    'sensors.rejectedOf': 'Geweigerde berichten van {ref} ({n})',
    'sensors.onboarding': 'Aanmelden',
    'sensors.sensor': 'Sensor',
    'sensors.devEuiHint': 'alleen LoRaWAN',
    'sensors.model': 'Model',
    'sensors.modelHint': 'decoder, bij ruwe bytes',
    'sensors.lorawanApplication': 'LoRaWAN-applicatie',
    'sensors.containerId': 'Container-id',
    'sensors.containerHint': 'koppelen aan (mag)',
    'sensors.makeSecret': 'maak een geheim (MQTT-login, HTTP-ingang)',
    'sensors.register': 'Registreren',
    'sensors.applicationId': 'Applicatie-id',
    'sensors.name': 'Naam',
    'sensors.defaultModel': 'Standaardmodel',
    'sensors.save': 'Opslaan',
    'sensors.integration': 'Netwerkserver via HTTP',
    'sensors.kind': 'Soort',
    'sensors.applications': 'Applicaties',
    'sensors.applicationsAny': 'gescheiden door komma\'s; leeg = alle',
    'sensors.createSecret': 'Aanmaken / nieuw geheim',
    'sensors.account': 'Brokeraccount',
    'sensors.userName': 'Gebruikersnaam',
    'sensors.kind.network_server': 'netwerkserver',
    'sensors.kind.service': 'dienst',
    'sensors.applicationsTenant': 'app@tenant, gescheiden door komma\'s',
    'sensors.createPassword': 'Aanmaken / nieuw wachtwoord',
    'sensors.secretOnce': 'Een geheim wordt hier één keer getoond en gehasht bewaard; kopieer het nu naar de instellingen van de sensor of de netwerkserver.',
    'sensors.manyAtOnce': 'Veel containers en sensoren tegelijk:',
    'sensors.manyHow': 'met een CSV of GeoJSON (zie de README).',
    'sensors.registered': 'sensor {ref} geregistreerd (id {id})',
    'sensors.fitted': 'vanaf nu gekoppeld aan container {container}',
    'sensors.brokerLogin': 'brokerlogin: gebruiker {user}',
    'sensors.secretShownOnce': 'geheim (één keer getoond): ',
    'sensors.refused': 'geweigerd ({status}): {message}',
    'sensors.applicationSaved': 'LoRaWAN-applicatie {id} opgeslagen; standaardmodel {model}; {n} apparaten',
    'sensors.integrationMade': '{kind}-koppeling {name}: POST {path}',
    'sensors.configure': 'instellen: {json}',
    'sensors.accountMade': '{kind}-account {name}',
    'sensors.broker.embedded': 'de ingebouwde broker toetst aanmeldingen meteen aan het register: niets te herladen',
    'sensors.broker.written': 'bestanden geschreven naar {folder}; herlaad Mosquitto (SIGHUP) om ze te laten gelden',
    'sensors.broker.reloaded': 'bestanden geschreven naar {folder}; Mosquitto (pid {pid}) gevraagd ze te lezen',
    'sensors.broker.not_signalled': 'bestanden geschreven naar {folder}; Mosquitto kon geen signaal krijgen ({error}): herlaad hem met de hand',
    'sensors.httpDoor': 'HTTP: POST {path} met header X-Vulgraad-Secret',
    'sensors.deviceSecretNote': 'één keer getoond, gehasht opgeslagen: zet het nu in de configuratie van het apparaat',
    'sensors.mosquittoCannotHold': '"{ref}" bevat tekens die de bestanden van Mosquitto niet kunnen bevatten; alleen de ingebouwde broker accepteert het',
    'sensors.passwordNote': 'het wachtwoord: één keer getoond, gehasht opgeslagen',
    'sensors.integrationNote': 'één keer getoond: het geheim gaat nu in de configuratie van de netwerkserver',
    'flag.silent': 'stil',
    'flag.battery_low': 'batterij laag',
    'flag.battery_failing': 'batterij faalt',
    'flag.gaps_growing': 'gaten groeien',
    'flag.weak_signal': 'zwak signaal',
    'flag.doubtful_data': 'twijfelachtige data',
    'flag.rejected_messages': 'geweigerde berichten',
  },
};

/** Alert texts come from the server in English; these say the same in Dutch (times are formatted after). */
const DUTCH_ALERTS = [
  [/^Fill (\S+) % at or above (\S+) %$/, 'Vulling $1 %, drempel $2 %'],
  [/^Temperature (\S+) °C at or above (\S+) °C: possible fire$/, 'Temperatuur $1 °C, drempel $2 °C: mogelijk brand'],
  [/^Fire alarm raised by the sensor at (\S+) °C$/, 'Brandalarm van de sensor bij $1 °C'],
  [/^Fire alarm raised by the sensor$/, 'Brandalarm van de sensor'],
  [/^Battery (\S+) % below (\S+) %$/, 'Batterij $1 %, onder $2 %'],
  [/^Doubtful reading: (.*)$/, 'Twijfelachtige meting: $1'],
  [/^Sensor tilted: it cannot see the waste(.*)$/, 'Sensor gekanteld: ziet het afval niet$1'],
  [/^Device alarm(.*)$/, 'Apparaatalarm$1'],
  [/^No reading for (\S+) h \(reports every (\S+) min\)$/, 'Geen meting sinds $1 u (meldt elke $2 min)'],
  [/^Never reported since it was fitted (\S+) h ago$/, 'Nooit gemeld sinds plaatsing, $1 u geleden'],
  [/^Overflow (\S+) % likely before the planned visit at (\S+)$/, 'Kans op overlopen $1 % vóór het geplande bezoek om $2'],
  [/^Overflow (\S+) % likely before (\S+) \(no visit planned\)$/, 'Kans op overlopen $1 % vóór $2 (geen bezoek gepland)'],
];

const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})\b/g;

export const i18n = {
  lang: 'en',
  /** IANA zone of the city; until the page knows it, the browser's own. */
  timeZone: undefined,
  /** The city's "today" (YYYY-MM-DD): times on it are shown without their date. */
  today: null,
};

/** The language to start with: a pick kept earlier, else the browser's first language we speak, else English. */
export function initialLanguage(stored = readStored(), languages = typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]) {
  if (LANGUAGES.includes(stored)) return stored;
  for (const l of languages) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

function readStored() {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

export function setLanguage(lang) {
  i18n.lang = LANGUAGES.includes(lang) ? lang : 'en';
  try {
    localStorage.setItem(LANGUAGE_KEY, i18n.lang);
  } catch {
    // A private window may refuse storage: the pick then lasts for the page only.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = i18n.lang;
}

/**
 * A page's language at start: the one picked earlier (or the browser's), the
 * page translated, and the language picker wired to switch it, after which
 * `rerender` redraws what the page built with t().
 */
export function startLanguage(picker, rerender) {
  setLanguage(initialLanguage());
  picker.value = i18n.lang;
  translatePage();
  picker.addEventListener('change', (event) => {
    setLanguage(event.target.value);
    translatePage();
    rerender();
  });
}

/** A text in the current language, with {name} filled from params. */
export function t(key, params = {}) {
  const text = WORDS[i18n.lang]?.[key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] === undefined ? `{${name}}` : String(params[name])));
}

/** Whether the page has words for key (in English at least). */
export function hasWord(key) {
  return key in WORDS.en;
}

/** Fills every element with data-i18n (text), data-i18n-label (aria-label) or data-i18n-placeholder under root. */
export function translatePage(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
}

const formats = new Map();
function format(kind) {
  const key = `${i18n.lang}|${i18n.timeZone}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    const locale = i18n.lang === 'nl' ? 'nl-NL' : 'en-GB';
    const options = {
      clock: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      day: { year: 'numeric', month: '2-digit', day: '2-digit' },
      full: { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
    }[kind];
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: i18n.timeZone });
    formats.set(key, f);
  }
  return f;
}

/** The city's date (YYYY-MM-DD) of an instant. */
export function cityDate(iso) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: i18n.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** A time as people read it: "05:13" on the city's today, else "Tue 8 Dec 05:13"; 24-hour, in the city's zone. */
export function formatTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  if (i18n.today && cityDate(iso) === i18n.today) return format('clock').format(date);
  return format('full').format(date);
}

/** A calendar day (YYYY-MM-DD) as people read it: "Tue 8 Dec". */
export function formatDay(day) {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return String(day);
  return new Intl.DateTimeFormat(i18n.lang === 'nl' ? 'nl-NL' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
}

/** Only the clock: "05:13". */
export function formatClock(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : format('clock').format(date);
}

/** An alert's text in the current language, its ISO-8601 times made readable. */
export function formatAlertMessage(message) {
  let text = String(message ?? '');
  if (i18n.lang === 'nl') {
    for (const [pattern, dutch] of DUTCH_ALERTS) {
      if (pattern.test(text)) {
        text = text.replace(pattern, dutch);
        break;
      }
    }
  }
  return text.replace(ISO_TIME, (iso) => formatTime(iso));
}
