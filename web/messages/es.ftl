### Páginas de Takeback para denunciar, en español: traducidas de en.ftl.
### Reviewed by a native speaker with safeguarding experience: no
#
# Translated from en.ftl (a draft: a hotline must have it reviewed before launch).
# { $service } is the hotline's name and { $emergency } its emergency number, everywhere.

## meta

# This language's name, in itself: the language switcher lists it.
language-name = Español

## common

common-language = Idioma

common-quick-exit = Salida rápida
common-quick-exit-hint = o pulsa Esc
common-skip-to-content = Saltar al contenido principal
common-nav-label = Principal
common-nav-report = Denunciar una foto mía
common-nav-status = Ver mi denuncia
common-nav-adult = Para adultos que ayudan
common-no-script = Esta página necesita JavaScript para crear las huellas digitales en tu dispositivo. Activa JavaScript o prueba con otro navegador. Tus fotos nunca se suben.
common-footer-privacy = { $service } nunca ve tus fotos: las huellas digitales se crean en tu dispositivo. Este sitio no usa cookies ni carga nada de otros sitios web.
common-step = Paso { $n } de { $total }
common-continue = Continuar
common-back = Atrás
common-case-number = Número de caso
common-case-secret = Código secreto
common-copy = Copiar número de caso y código secreto
common-scripts-failed = Esta página no se cargó bien, así que todavía no funciona. Vuelve a cargarla o inténtalo cuando tengas mejor conexión.
common-history-tip = La salida rápida te lleva al instante a otro sitio web, y el botón Atrás no te trae de vuelta aquí. No borra el historial del navegador: una ventana privada o de incógnito deja menos rastro.

## support

support-title = Habla con alguien
support-intro = No tienes que pasar por esto sin ayuda. Son personas amables, no te van a juzgar y no tienes que decir tu nombre.
support-emergency-question = ¿Estás en peligro ahora mismo?
support-emergency-call = Llama al { $number }
support-call = Llama al { $number }
support-text = Envía un mensaje al { $number }
support-website = Sitio web de { $name } (se abre en una pestaña nueva)
support-hours = Horario: { $hours }
support-threat-title = ¿Alguien amenaza con compartir una foto tuya?
support-threat =
    .p1 = No es tu culpa. Quien está haciendo algo malo es esa persona, y cuenta con que tengas demasiado miedo para contárselo a alguien.
    .p2 = Deja de responder. No pagues ni envíes nada más: así no va a parar.
    .p3 = No borres los mensajes ni el nombre de su cuenta. No hace falta que vuelvas a mirarlos.
    .p4 = Si ya pagaste o enviaste algo más, sigue sin ser tu culpa, y todavía puedes recibir ayuda.
    .p5 = Cuéntaselo a una persona adulta de confianza y denúncialo.
support-report-to = Puedes denunciar amenazas y grooming aquí:
# Shown when the hotline has help contacts for more than one country; { $country } is the
# country's name, as the hotline writes it.
support-country = Ayuda si estás en { $country }
support-country-other = ¿Estás en otro país?

## index

index-title = Recupera el control de una foto tuya
index-lead = Si alguien compartió una foto o un video íntimo o sexual tuyo, o amenaza con compartirlo, puedes ayudar a frenar que se difunda. Nunca tienes que mostrárselo a nadie.
index-not-your-fault = No es tu culpa, pase lo que haya pasado. Pedir ayuda no te mete en ningún problema.
index-young-title = Es una foto mía
index-young-text = Si tenías menos de 18 años en la foto. Crea sus huellas digitales en este teléfono o computadora y envía solo eso. La foto se queda contigo.
index-adult-title = Soy una persona adulta y ayudo a alguien joven
index-adult-text = Qué hacer y qué no hacer cuando una persona joven te cuenta algo sobre una imagen, y cómo denunciar dónde la viste.
index-status-title = Ya hice una denuncia
index-status-text = Con tu número de caso y tu código secreto, mira qué ha pasado o retira tu denuncia.
index-how-title = Cómo funciona
index-how =
    .p1 = Esta página crea una huella digital de tu foto, en tu propio dispositivo. Una huella digital es un código que se calcula a partir de la foto. No se puede volver a convertir en la foto.
    .p2 = Solo se envían las huellas digitales a { $service }. La foto nunca sale de tu dispositivo.
    .p3 = Los sitios web y las apps que colaboran con { $service } usan las huellas digitales para encontrar copias, borrarlas y evitar que se vuelvan a subir.
    .p4 = No todos los sitios web colaboran con nosotros, y los chats privados cifrados no se pueden revisar. Cada sitio que sí revisa ayuda.

## report

report-title = Denunciar una foto mía
report-intro-title = Antes de empezar
report-intro =
    .p1 = No es tu culpa. Pase lo que haya pasado, no te vas a meter en problemas y mereces ayuda.
    .p2 = Tu foto se queda en este dispositivo. Nunca se sube y nadie la ve: ni nosotros ni los sitios web.
    .p3 = Esta página crea una huella digital de cada foto que elijas: un código que se calcula a partir de la foto y que no se puede volver a convertir en ella.
    .p4 = Compartimos las huellas digitales con los sitios web y las apps que colaboran con { $service }, para que puedan encontrar copias, borrarlas y evitar que se vuelvan a subir.
    .p5 = Para ser sinceros contigo: no todos los sitios web colaboran con nosotros, y los chats privados cifrados no se pueden revisar. Aun así, ayuda.
    .p6 = Recibirás un número de caso y un código secreto. Con ellos puedes ver qué ha pasado, o cambiar de opinión y retirar tu denuncia.
report-confirm-legend = Revisa estas dos cosas
report-confirm-under-18 = La persona de la foto tenía menos de 18 años cuando se tomó.
report-confirm-under-18-error = Marca esta casilla si la persona de la foto tenía menos de 18 años. Si tenía 18 o más, este servicio no puede recibir la denuncia, pero las personas de “Habla con alguien” sí pueden ayudarte.
report-confirm-consent = Acepto que { $service } comparta las huellas digitales con los sitios web y las apps que colaboran con este servicio.
report-confirm-consent-error = Marca esta casilla para que podamos compartir las huellas digitales. Si no, no podemos enviar tu denuncia.
report-pictures-title = Elige las fotos
report-pictures-intro = Elige las fotos de este teléfono o computadora. No se van a subir: las huellas digitales se crean aquí, en tu dispositivo. Solo mostramos sus nombres, no las fotos.
report-pictures-videos = Funciona con fotos y videos. En un video, la página crea una huella digital de un momento por cada segundo. Un video largo puede tardar unos minutos, y aun así nunca sale de tu dispositivo.
report-pictures-label = Elige fotos o videos
report-pictures-hint = { $max ->
    [one] Puedes elegir una foto o un video.
   *[other] Puedes elegir hasta { $max } fotos o videos.
}
report-pictures-list = Tus fotos
report-no-picture = No tengo la foto, solo sé dónde la vi
report-urls-title = ¿Dónde la viste? (opcional)
report-urls-intro = Si sabes la dirección web (URL) donde se publicó la foto, añádela aquí, una por línea. No la busques si eso te va a hacer sentir mal. Puedes dejar esto vacío.
report-urls-label = Direcciones web
report-urls-hint = Cada una empieza con https:// o http://. { $max ->
    [one] Puedes añadir una.
   *[other] Puedes añadir hasta { $max }.
}
report-check-title = Revisa y envía
report-check-intro = Enviaremos las huellas digitales de estas fotos, las direcciones web que hayas añadido y tus dos respuestas. Nunca las fotos, ni tu nombre, ni nada que diga quién eres.
report-check-pictures = Fotos
report-check-urls = Direcciones web
report-check-codes = Ver las huellas digitales que enviaremos
report-send = Enviar las huellas digitales
report-done-title = Tu denuncia se ha enviado
report-done-intro = Gracias. Hacer esto requiere mucho valor.
report-keep-safe = Guarda estos datos en un lugar seguro y privado: anótalos o guárdalos donde solo tú puedas verlos. Necesitas los dos para ver tu denuncia o retirarla. Es la única vez que podemos mostrarte el código secreto: no guardamos ninguna copia para mostrártelo otra vez.
report-next-title = Qué pasa ahora
report-next =
    .p1 = Los sitios web y las apps que colaboran con { $service } reciben las huellas digitales y buscan copias.
    .p2 = Vuelve cuando quieras para ver qué han encontrado y borrado.
    .p3 = Si cambias de opinión, puedes retirar tu denuncia.
report-check-status = Ver mi denuncia

## status

status-title = Ver mi denuncia
status-intro = Escribe el número de caso y el código secreto que recibiste al enviar tu denuncia. Da igual si usas mayúsculas o minúsculas, espacios o guiones.
status-case-hint = Por ejemplo: ABCD-EFGH-JK12
status-secret-hint = Por ejemplo: ABCDE-FGH12-JKMNP-QRSTV
status-show = Ver mi denuncia
status-result-title = Tu denuncia
status-fingerprints = Huellas digitales
status-urls = Direcciones web
status-withdraw-title = Retirar mi denuncia
status-withdraw-text = Si la retiras, los sitios web dejan de buscar estas fotos. Puedes volver a denunciarlas cuando quieras.
status-withdraw = Retirar mi denuncia
status-withdraw-confirm-title = ¿Quieres retirar tu denuncia?
status-withdraw-confirm-text = Los sitios web y las apps dejarán de buscar estas fotos. Siempre puedes volver a denunciarlas.
status-withdraw-yes = Sí, retirarla
status-withdraw-no = No, mantenerla

## adult

adult-title = Si una persona joven te ha contado algo sobre una imagen
adult-intro = Gracias por ayudar. Cómo reacciones ahora importa: mantén la calma, escucha y asegúrate de que sepa que no es su culpa.
adult-do-title = Qué hacer
adult-do =
    .p1 = Escucha con calma, a su ritmo y sin interrumpir. Dale las gracias por contártelo.
    .p2 = Dile que no es su culpa y que no se va a meter en problemas.
    .p3 = Sigue el protocolo de protección infantil de tu organización y avisa a la persona responsable de protección.
    .p4 = Anota la dirección web (URL) donde se vio la imagen, y la app o el sitio, en lugar de guardar la imagen.
    .p5 = Piensa en todos los niños, niñas y adolescentes implicados, también en quien la recibió o la reenvió.
adult-dont-title = Qué no hacer
adult-dont =
    .p1 = No pidas ver la imagen, y no la mires si te la muestran.
    .p2 = No la copies, no le hagas captura de pantalla, no la guardes, no la reenvíes ni la imprimas, ni siquiera para mostrársela a un colega o a la policía. Tenerla o compartirla puede ser un delito, y cada copia es un riesgo más para la persona joven.
    .p3 = No intentes averiguar por tu cuenta de dónde salió la imagen.
    .p4 = No le eches la culpa ni amenaces con quitarle el teléfono o prohibirle internet: así, la próxima vez no se atreverá a contárselo a un adulto.
    .p5 = No compartas lo que sabes con nadie fuera de las personas que se ocupan de la protección.
adult-fingerprint-title = La persona joven puede crear ella misma las huellas digitales de la imagen
adult-fingerprint =
    .p1 = En su propio teléfono o computadora, puede abrir la página “Denunciar una foto mía” de este sitio. La página crea las huellas digitales de la foto ahí mismo: la foto nunca sale de su dispositivo y nadie la ve.
    .p2 = Puedes estar a su lado mientras lo hace, sin mirar la foto.
    .p3 = Recibe su propio número de caso y código secreto, para ver cómo va su denuncia o retirarla.
adult-fingerprint-link = Denunciar una foto mía
adult-report-title = Denuncia dónde la viste
adult-report-intro = Envíanos las direcciones web donde se vio la imagen. Nunca pedimos la imagen a los adultos, así que aquí no hay nada que subir: tenerla o enviarla puede ser un delito, y cada copia vuelve a hacer daño a la persona joven.
adult-urls-label = Direcciones web
adult-urls-hint = Una por línea, cada una empezando con https:// o http://. { $max ->
    [one] Solo una.
   *[other] Hasta { $max }.
}
adult-confirm-legend = Confirma lo siguiente
adult-confirm-under-18 = La persona joven de la imagen tiene menos de 18 años, o los tenía cuando se tomó.
adult-confirm-under-18-error = Marca esta casilla si la persona joven tenía menos de 18 años. Este servicio solo puede recibir denuncias de imágenes de menores.
adult-confirm-consent = Acepto que { $service } comparta estas direcciones con los sitios web y las apps que colaboran con este servicio, para que puedan borrar la imagen.
adult-confirm-consent-error = Marca esta casilla para que podamos enviar las direcciones.
adult-send = Enviar las direcciones web
adult-done-title = Gracias: las direcciones web se han enviado
adult-keep-safe = Guarda el número de caso y el código secreto en un lugar seguro si quieres consultar la denuncia más adelante. Es la única vez que podemos mostrarte el código secreto.
adult-danger-title = Si un niño, niña o adolescente está en peligro, o sufre amenazas o chantaje
adult-danger = Llama al { $emergency } si un niño, niña o adolescente está en peligro inmediato.
adult-danger-report = Denuncia el grooming, las amenazas o el chantaje (sextorsión) aquí:
adult-adult-help = Orientación para adultos preocupados por un niño, niña o adolescente:

## not_found

not-found-title = Página no encontrada
not-found-text = No hay nada en esta dirección.
not-found-home = Ir a la página de inicio

## js

js-file-working = Creando la huella digital…
js-file-ready = Huella digital lista
js-file-exact-only = Esta foto no tiene mucho detalle, así que solo podemos crear una huella digital que encuentre copias exactas. Aun así, la enviaremos.
js-file-unreadable = No podemos crear una huella digital de este archivo, así que no se enviará nada de él. Puede que este navegador no pueda abrir este tipo de archivo, o que el archivo esté dañado. Si elegiste otras fotos, esas están bien.
js-file-duplicate = Es el mismo archivo que uno que ya elegiste, así que su huella digital se envía solo una vez.
js-file-failed = Algo salió mal al crear la huella digital de este archivo, así que no se enviará nada de él. Si elegiste otras fotos, esas están bien.
js-remove = Quitar
js-file-remove = Quitar { $name }
js-video-waiting = Esperando al video anterior…
js-video-working = Creando las huellas digitales de este video. El video se queda en tu dispositivo.
js-video-progress = Progreso de las huellas digitales de { $name }
js-video-stop = Detener
js-video-stop-label = Detener y quitar { $name }
js-video-ready = Huellas digitales del video listas
js-video-exact-only = Este video no tiene mucho detalle (puede que sea muy oscuro), así que solo podemos crear una huella digital que encuentre copias exactas. Aun así, la enviaremos.
js-video-too-long = Este video dura más de { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}, y es demasiado largo para crear sus huellas digitales en este dispositivo, así que no se enviará nada de él. No has hecho nada mal. Si sabes dónde se publicó, añade la dirección web en el siguiente paso y haremos lo posible para que lo borren. También puedes hablar con alguien: tienes sus datos más abajo.
js-video-too-large = Este archivo de video es demasiado grande para crear sus huellas digitales en este dispositivo, así que no se enviará nada de él. No has hecho nada mal. Si sabes dónde se publicó, añade la dirección web en el siguiente paso y haremos lo posible para que lo borren. También puedes hablar con alguien: tienes sus datos más abajo.
js-video-unreadable = Este navegador no puede abrir este video, así que no se enviará nada de él. Puedes probar con otro navegador o, si sabes dónde se publicó, añadir la dirección web en el siguiente paso. También puedes hablar con alguien: tienes sus datos más abajo.
js-video-codes = { $count ->
    [one] { $count } huella digital de video
   *[other] { $count } huellas digitales de video
}
js-videos-too-many = { $max ->
    [one] Puedes enviar un video por denuncia.
   *[other] Puedes enviar hasta { $max } videos por denuncia.
} Envía los demás en otra denuncia.
js-pictures-none = Elige al menos una foto para continuar.
js-pictures-none-usable = No se puede enviar ninguno de los archivos que elegiste. Intenta elegir las fotos otra vez, o habla con alguien más abajo.
js-pictures-too-many = { $max ->
    [one] Puedes enviar una foto por denuncia.
   *[other] Puedes enviar hasta { $max } fotos por denuncia.
} Envía las demás en otra denuncia.
js-pictures-busy = Espera a que las huellas digitales estén listas.
js-urls-bad-line = La línea { $line } no parece una dirección web. Debe empezar con https:// o http://.
js-urls-too-many = { $max ->
    [one] Puedes añadir una dirección web.
   *[other] Puedes añadir hasta { $max } direcciones web.
}
js-urls-too-long = La línea { $line } es demasiado larga para ser una dirección web.
js-urls-none = Añade al menos una dirección web.
js-none = Ninguna
js-sending = Enviando…
js-send-throttled = Han llegado muchas denuncias desde esta conexión en la última hora, así que ahora mismo no podemos recibir otra. Inténtalo de nuevo dentro de una hora. No se envió nada.
js-send-rejected = No pudimos aceptar esta denuncia tal como está. Vuelve atrás y revisa lo que escribiste, o habla con alguien más abajo.
js-send-failed = No pudimos enviar tu denuncia. No se envió nada, así que inténtalo de nuevo en un momento.
js-send-offline = No pudimos conectar con { $service }. Revisa tu conexión a internet e inténtalo de nuevo. No se envió nada.
js-copied = Copiado. Guárdalos en un lugar seguro.
js-copy-failed = No se pudo copiar aquí. Mejor anótalos.
js-status-loading = Buscando tu denuncia…
js-status-not-found = No encontramos ninguna denuncia con ese número de caso y código secreto. Revisa los dos e inténtalo de nuevo.
js-status-missing = Escribe el número de caso y el código secreto.
js-status-throttled = Ha habido demasiados intentos fallidos desde esta conexión o con este número de caso. Revisa bien tu número de caso y tu código secreto, o espera una hora y vuelve a intentarlo.
js-status-offline = No pudimos conectar con { $service }. Revisa tu conexión a internet e inténtalo de nuevo.
js-status-failed = Algo salió mal por nuestra parte. Inténtalo de nuevo en unos minutos.
js-status-received = Enviada el { $date }.
js-status-open = Tu denuncia está activa.
js-status-withdrawn = Retiraste esta denuncia. Los sitios web ya no buscan estas fotos.
js-status-totals = Desde tu denuncia: { $matched ->
    [0] ninguna copia encontrada
    [one] { $matched } copia encontrada
   *[other] { $matched } copias encontradas
}, { $removed ->
    [0] ninguna borrada
    [one] { $removed } borrada
   *[other] { $removed } borradas
}, { $blocked ->
    [0] ningún intento de subida bloqueado
    [one] { $blocked } intento de subida bloqueado
   *[other] { $blocked } intentos de subida bloqueados
}.
js-status-no-outcomes = Ningún sitio web ha avisado todavía de que haya encontrado una copia. Eso puede tardar.
js-fingerprint-pdq = Huella digital de foto
js-fingerprint-vpdq = Huella digital de video
js-fingerprint-exact = Huella digital exacta
js-state-pending = Pendiente de revisión
js-state-listed = Se está buscando
js-state-withdrawn = Retirada
js-state-suspended = En pausa mientras la revisamos
js-state-not-listed = No se está buscando
js-url-reported = Pendiente de revisión
js-url-actionable = Revisada. Vamos a pedir al sitio web que borre la imagen.
js-url-not-actionable = No pudimos hacer nada con esta dirección. { $reason }
js-url-no-contact = Revisada. Estamos averiguando a quién pedir que borre la imagen.
js-url-notice-sent = El { $date } pedimos al sitio web que borrara la imagen.
js-url-still-up = El { $date } pedimos al sitio web que borrara la imagen. Sigue ahí, así que lo volvemos a pedir.
js-url-escalated = El { $date } pedimos al sitio web que borrara la imagen. Sigue ahí, así que alguien de nuestro equipo se está ocupando.
js-url-removed = El sitio web borró la imagen el { $date }.
js-url-withdrawn = Retirada
js-outcomes = Encontradas: { $matched } · Borradas: { $removed } · Subidas bloqueadas: { $blocked }
js-withdrawn-done = Tu denuncia se ha retirado. Los sitios web dejarán de buscar estas fotos.
js-withdraw-failed = Ahora mismo no pudimos retirar tu denuncia. Inténtalo de nuevo en unos minutos.
