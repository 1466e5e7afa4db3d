### Páginas de denúncia do Takeback, em português do Brasil: traduzidas de en.ftl.
### Reviewed by a native speaker with safeguarding experience: no
#
# Translated from en.ftl (a draft: a hotline must have it reviewed before launch).
# { $service } is the hotline's name and { $emergency } its emergency number, everywhere.

## meta

# This language's name, in itself: the language switcher lists it.
language-name = Português (Brasil)

## common

common-language = Idioma

common-quick-exit = Saída rápida
common-quick-exit-hint = ou aperte Esc
common-skip-to-content = Pular para o conteúdo principal
common-nav-label = Principal
common-nav-report = Denunciar uma foto minha
common-nav-status = Ver minha denúncia
common-nav-adult = Para adultos que estão ajudando
common-no-script = Esta página precisa de JavaScript para criar as impressões digitais no seu aparelho. Ative o JavaScript ou tente outro navegador. Suas fotos nunca saem do seu aparelho.
common-footer-privacy = { $service } nunca vê suas fotos: as impressões digitais são criadas no seu aparelho. Este site não usa cookies e não carrega nada de outros sites.
common-step = Etapa { $n } de { $total }
common-continue = Continuar
common-back = Voltar
common-case-number = Número do caso
common-case-secret = Código secreto
common-copy = Copiar número do caso e código secreto
common-scripts-failed = Esta página não carregou direito, então ainda não funciona. Recarregue a página ou tente de novo quando sua conexão estiver melhor.
common-history-tip = A saída rápida leva você na hora para outro site, e o botão Voltar não traz você de volta para cá. Ela não apaga o histórico do navegador: uma janela privada ou anônima deixa menos rastros.

## support

support-title = Converse com alguém
support-intro = Você não precisa passar por isso sem ajuda. Essas pessoas são acolhedoras, não vão julgar você, e você não precisa dizer seu nome.
support-emergency-question = Está em perigo agora?
support-emergency-call = Ligue para { $number }
support-call = Ligue para { $number }
support-text = Mande mensagem para { $number }
support-website = Site: { $name } (abre em uma nova aba)
support-hours = Horário: { $hours }
support-threat-title = Alguém está ameaçando compartilhar uma foto sua?
support-threat =
    .p1 = A culpa não é sua. Quem está errado é essa pessoa, e ela conta com o seu medo para você não contar a ninguém.
    .p2 = Pare de responder. Não pague e não mande mais nada: isso não faz a pessoa parar.
    .p3 = Não apague as mensagens nem o nome da conta da pessoa. Você não precisa olhar para elas de novo.
    .p4 = Se você já pagou ou mandou mais coisas, a culpa continua não sendo sua, e você ainda pode receber ajuda.
    .p5 = Conte para um adulto de confiança e denuncie.
support-report-to = Você pode denunciar ameaças e aliciamento (grooming) aqui:
# Shown when the hotline has help contacts for more than one country; { $country } is the
# country's name, as the hotline writes it.
support-country = { $country }: onde conseguir ajuda
support-country-other = Está em outro país?

## index

index-title = Retome o controle de uma foto sua
index-lead = Se alguém compartilhou um nude seu ou uma foto ou vídeo sexual seu, ou está ameaçando compartilhar, você pode ajudar a impedir que isso se espalhe. Você nunca precisa mostrar para ninguém.
index-not-your-fault = A culpa não é sua, não importa o que aconteceu. Você não vai ter problemas por pedir ajuda.
index-young-title = É uma foto minha
index-young-text = Se você tinha menos de 18 anos na foto. Crie as impressões digitais dela neste celular ou computador e envie só elas. A foto fica com você.
index-adult-title = Sou uma pessoa adulta ajudando uma criança ou adolescente
index-adult-text = O que fazer, e o que não fazer, quando uma criança ou adolescente conta para você sobre uma imagem; e como denunciar onde você a viu.
index-status-title = Já fiz uma denúncia
index-status-text = Use seu número do caso e seu código secreto para ver o que aconteceu, ou para retirar sua denúncia.
index-how-title = Como funciona
index-how =
    .p1 = Esta página cria uma impressão digital da sua foto, no seu próprio aparelho. A impressão digital é um código calculado a partir da foto. Não dá para transformar esse código de volta na foto.
    .p2 = Só as impressões digitais são enviadas para { $service }. A foto nunca sai do seu aparelho.
    .p3 = Os sites e apps parceiros de { $service } usam as impressões digitais para encontrar cópias, removê-las e impedir que sejam postadas de novo.
    .p4 = Nem todo site trabalha com a gente, e chats privados criptografados não podem ser verificados. Cada lugar que verifica já ajuda.

## report

report-title = Denunciar uma foto minha
report-intro-title = Antes de começar
report-intro =
    .p1 = A culpa não é sua. Não importa o que aconteceu, você não vai ter problemas e merece ajuda.
    .p2 = Sua foto fica neste aparelho. Ela nunca é enviada e ninguém a vê: nem a gente, nem os sites.
    .p3 = Esta página cria uma impressão digital de cada foto que você escolher: um código calculado a partir da foto, que não dá para transformar de volta nela.
    .p4 = Compartilhamos as impressões digitais com os sites e apps parceiros de { $service }, para que eles possam encontrar cópias, removê-las e impedir que sejam postadas de novo.
    .p5 = Sendo sinceros com você: nem todo site trabalha com a gente, e chats privados criptografados não podem ser verificados. Mesmo assim, ajuda.
    .p6 = Você vai receber um número do caso e um código secreto. Com eles, você pode ver o que aconteceu, ou mudar de ideia e retirar sua denúncia.
report-confirm-legend = Confira estas duas coisas
report-confirm-under-18 = A pessoa da foto tinha menos de 18 anos quando a foto foi tirada.
report-confirm-under-18-error = Marque esta caixa se a pessoa da foto tinha menos de 18 anos. Se ela tinha 18 anos ou mais, este serviço não pode receber a denúncia, mas as pessoas em “Converse com alguém” ainda podem ajudar.
report-confirm-consent = Concordo que { $service } compartilhe as impressões digitais com os sites e apps parceiros.
report-confirm-consent-error = Marque esta caixa para que a gente possa compartilhar as impressões digitais. Sem isso, não conseguimos enviar sua denúncia.
report-pictures-title = Escolha as fotos
report-pictures-intro = Escolha as fotos deste celular ou computador. Elas não saem daqui: as impressões digitais são criadas aqui mesmo, no seu aparelho. Só mostramos os nomes dos arquivos, não as fotos.
report-pictures-videos = Funciona com fotos e vídeos. Num vídeo, a página cria uma impressão digital de um momento a cada segundo. Um vídeo longo pode levar alguns minutos, e mesmo assim ele nunca sai do seu aparelho.
report-pictures-label = Escolher fotos ou vídeos
report-pictures-hint = { $max ->
    [0] Você pode escolher até { $max } fotos ou vídeos.
    [one] Você pode escolher uma foto ou um vídeo.
   *[other] Você pode escolher até { $max } fotos ou vídeos.
}
report-pictures-list = Suas fotos
report-no-picture = Não tenho a foto, só sei onde a vi
report-urls-title = Onde você viu? (opcional)
report-urls-intro = Se você souber o link (URL) onde a foto foi postada, coloque aqui, um por linha. Não vá procurar se isso for fazer mal a você. Pode deixar em branco.
report-urls-label = Links
report-urls-hint = Cada um começa com https:// ou http://. { $max ->
    [0] Você pode colocar até { $max }.
    [one] Você pode colocar um.
   *[other] Você pode colocar até { $max }.
}
report-check-title = Confira e envie
report-check-intro = Vamos enviar as impressões digitais destas fotos, os links que você colocou e suas duas respostas. Nunca as fotos, seu nome ou qualquer coisa que diga quem você é.
report-check-pictures = Fotos
report-check-urls = Links
report-check-codes = Mostrar as impressões digitais que vamos enviar
report-send = Enviar as impressões digitais
report-done-title = Sua denúncia foi enviada
report-done-intro = Obrigado. Foi preciso muita coragem para fazer isso.
report-keep-safe = Guarde estes dados em um lugar seguro e privado: anote ou salve onde só você possa ver. Você precisa dos dois para ver sua denúncia ou para retirá-la. Esta é a única vez que podemos mostrar o código secreto: não guardamos nenhuma cópia para mostrar de novo.
report-next-title = O que acontece agora
report-next =
    .p1 = Os sites e apps parceiros de { $service } recebem as impressões digitais e procuram cópias.
    .p2 = Volte quando quiser para ver o que eles encontraram e removeram.
    .p3 = Se mudar de ideia, você pode retirar sua denúncia.
report-check-status = Ver minha denúncia

## status

status-title = Ver minha denúncia
status-intro = Digite o número do caso e o código secreto que você recebeu ao enviar a denúncia. Tanto faz usar letras maiúsculas ou minúsculas, espaços ou traços.
status-case-hint = Exemplo: ABCD-EFGH-JK12
status-secret-hint = Exemplo: ABCDE-FGH12-JKMNP-QRSTV
status-show = Mostrar minha denúncia
status-result-title = Sua denúncia
status-fingerprints = Impressões digitais
status-urls = Links
status-withdraw-title = Retirar minha denúncia
status-withdraw-text = Se você retirar, os sites param de procurar estas fotos. Você pode denunciar de novo quando quiser.
status-withdraw = Retirar minha denúncia
status-withdraw-confirm-title = Retirar sua denúncia?
status-withdraw-confirm-text = Os sites e apps vão parar de procurar estas fotos. Você sempre pode denunciar de novo.
status-withdraw-yes = Sim, retirar
status-withdraw-no = Não, manter

## adult

adult-title = Se uma criança ou adolescente contou para você sobre uma imagem
adult-intro = Obrigado por ajudar. O jeito como você reage agora faz diferença: mantenha a calma, escute e deixe claro que a culpa não é dela.
adult-do-title = O que fazer
adult-do =
    .p1 = Escute com calma, no tempo dela, sem interromper. Agradeça por ela ter contado.
    .p2 = Diga que a culpa não é dela e que ela não vai ter problemas por isso.
    .p3 = Siga o protocolo de proteção da sua instituição e avise a pessoa responsável pela proteção de crianças e adolescentes.
    .p4 = Anote o link (URL) onde a imagem foi vista, e o app ou site, em vez de guardar a imagem.
    .p5 = Pense em todas as crianças e adolescentes envolvidos, inclusive quem recebeu ou repassou a imagem.
adult-dont-title = O que não fazer
adult-dont =
    .p1 = Não peça para ver a imagem, e não olhe se alguém mostrar para você.
    .p2 = Não copie, não tire print, não salve, não encaminhe nem imprima a imagem, nem mesmo para mostrar a um colega ou à polícia. Ter ou compartilhar a imagem pode ser crime, e cada cópia é mais um risco para a criança ou adolescente.
    .p3 = Não tente descobrir por conta própria de onde a imagem veio.
    .p4 = Não culpe a criança ou adolescente, e não ameace tirar o celular dela ou proibir a internet: isso faz com que, da próxima vez, ela não conte nada a um adulto.
    .p5 = Não conte o que você sabe a ninguém além das pessoas envolvidas na proteção.
adult-fingerprint-title = A criança ou adolescente pode criar as impressões digitais da imagem
adult-fingerprint =
    .p1 = No próprio celular ou computador, ela pode abrir a página “Denunciar uma foto minha” neste site. A página cria as impressões digitais ali mesmo; a foto nunca sai do aparelho dela e ninguém a vê.
    .p2 = Você pode ficar junto enquanto ela faz isso, sem olhar a foto.
    .p3 = Ela recebe o próprio número do caso e código secreto, para acompanhar a denúncia ou retirá-la.
adult-fingerprint-link = Denunciar uma foto minha
adult-report-title = Denuncie onde você viu
adult-report-intro = Envie para a gente os links onde a imagem foi vista. Nunca pedimos a imagem a adultos, então não há nada para enviar aqui: ter ou enviar a imagem pode ser crime, e cada cópia prejudica de novo a criança ou adolescente.
adult-urls-label = Links
adult-urls-hint = Um por linha, cada um começando com https:// ou http://. { $max ->
    [0] Até { $max }.
    [one] Só um.
   *[other] Até { $max }.
}
adult-confirm-legend = Confirme
adult-confirm-under-18 = A criança ou adolescente da imagem tem menos de 18 anos, ou tinha quando a imagem foi feita.
adult-confirm-under-18-error = Marque esta caixa se a pessoa tinha menos de 18 anos. Este serviço só recebe denúncias de imagens de crianças e adolescentes.
adult-confirm-consent = Concordo que { $service } compartilhe estes links com os sites e apps parceiros, para que eles possam remover a imagem.
adult-confirm-consent-error = Marque esta caixa para que a gente possa repassar os links.
adult-send = Enviar os links
adult-done-title = Obrigado: os links foram enviados
adult-keep-safe = Guarde o número do caso e o código secreto em um lugar seguro se quiser acompanhar a denúncia depois. Esta é a única vez que podemos mostrar o código secreto.
adult-danger-title = Se uma criança ou adolescente está em perigo, ou sofrendo ameaças ou chantagem
adult-danger = Ligue para { $emergency } se uma criança ou adolescente estiver em perigo imediato.
adult-danger-report = Denuncie aliciamento, ameaças ou chantagem (sextorsão) aqui:
adult-adult-help = Orientação para adultos preocupados com uma criança ou adolescente:

## not_found

not-found-title = Página não encontrada
not-found-text = Não há nada neste endereço.
not-found-home = Ir para a página inicial

## js

js-file-working = Criando a impressão digital…
js-file-ready = Impressão digital pronta
js-file-exact-only = Esta foto não tem muitos detalhes, então só conseguimos criar uma impressão digital que encontra cópias idênticas. Mesmo assim, vamos enviá-la.
js-file-unreadable = Não conseguimos criar uma impressão digital deste arquivo, então nada dele será enviado. Talvez este navegador não abra esse tipo de arquivo, ou o arquivo pode estar danificado. Se você escolheu outras fotos, elas estão ok.
js-file-duplicate = Este é o mesmo arquivo que um que você já escolheu, então a impressão digital dele só é enviada uma vez.
js-file-failed = Algo deu errado ao criar a impressão digital deste arquivo, então nada dele será enviado. Se você escolheu outras fotos, elas estão ok.
js-remove = Remover
js-file-remove = Remover { $name }
js-video-waiting = Esperando o vídeo anterior…
js-video-working = Criando as impressões digitais deste vídeo. Ele fica no seu aparelho.
js-video-progress = Progresso das impressões digitais de { $name }
js-video-stop = Parar
js-video-stop-label = Parar e remover { $name }
js-video-ready = Impressões digitais do vídeo prontas
js-video-exact-only = Este vídeo não tem muitos detalhes (talvez esteja muito escuro), então só conseguimos criar uma impressão digital que encontra cópias idênticas. Mesmo assim, vamos enviá-la.
js-video-too-long = Este vídeo tem mais de { $minutes ->
    [0] { $minutes } minutos
    [one] um minuto
   *[other] { $minutes } minutos
}, o que é longo demais para criar as impressões digitais neste aparelho, então nada dele será enviado. Você não fez nada de errado. Se souber onde ele foi postado, coloque o link na próxima etapa e vamos trabalhar para que ele seja removido. Você também pode conversar com alguém: os contatos estão logo abaixo.
js-video-too-large = Este arquivo de vídeo é grande demais para criar as impressões digitais neste aparelho, então nada dele será enviado. Você não fez nada de errado. Se souber onde ele foi postado, coloque o link na próxima etapa e vamos trabalhar para que ele seja removido. Você também pode conversar com alguém: os contatos estão logo abaixo.
js-video-unreadable = Este navegador não consegue abrir este vídeo, então nada dele será enviado. Você pode tentar outro navegador ou, se souber onde ele foi postado, colocar o link na próxima etapa. Você também pode conversar com alguém: os contatos estão logo abaixo.
js-video-codes = { $count ->
    [0] { $count } impressões digitais de vídeo
    [one] { $count } impressão digital de vídeo
   *[other] { $count } impressões digitais de vídeo
}
js-videos-too-many = { $max ->
    [0] Você pode enviar até { $max } vídeos por denúncia.
    [one] Você pode enviar um vídeo por denúncia.
   *[other] Você pode enviar até { $max } vídeos por denúncia.
} Envie os outros em uma segunda denúncia.
js-pictures-none = Escolha pelo menos uma foto para continuar.
js-pictures-none-usable = Nenhum dos arquivos que você escolheu pode ser enviado. Tente escolher as fotos de novo, ou converse com alguém aqui embaixo.
js-pictures-too-many = { $max ->
    [0] Você pode enviar até { $max } fotos por denúncia.
    [one] Você pode enviar uma foto por denúncia.
   *[other] Você pode enviar até { $max } fotos por denúncia.
} Envie as outras em uma segunda denúncia.
js-pictures-busy = Espere as impressões digitais ficarem prontas.
js-urls-bad-line = A linha { $line } não parece um link. Ela deve começar com https:// ou http://.
js-urls-too-many = { $max ->
    [0] Você pode colocar até { $max } links.
    [one] Você pode colocar um link.
   *[other] Você pode colocar até { $max } links.
}
js-urls-too-long = A linha { $line } é longa demais para ser um link.
js-urls-none = Coloque pelo menos um link.
js-none = Nenhum
js-sending = Enviando…
js-send-throttled = Chegaram muitas denúncias desta conexão na última hora, então não podemos receber outra agora. Tente de novo daqui a uma hora. Nada foi enviado.
js-send-rejected = Não conseguimos aceitar esta denúncia do jeito que está. Volte e confira o que você preencheu, ou converse com alguém aqui embaixo.
js-send-failed = Não conseguimos enviar sua denúncia. Nada foi enviado, então tente de novo daqui a pouco.
js-send-offline = Não conseguimos nos conectar a { $service }. Verifique sua conexão com a internet e tente de novo. Nada foi enviado.
js-copied = Copiado. Guarde em um lugar seguro.
js-copy-failed = Não deu para copiar aqui. Anote os dados à mão.
js-status-loading = Procurando sua denúncia…
js-status-not-found = Não encontramos nenhuma denúncia com esse número do caso e código secreto. Confira os dois e tente de novo.
js-status-missing = Digite o número do caso e o código secreto.
js-status-throttled = Houve muitas tentativas erradas, desta conexão ou com este número do caso. Confira com cuidado seu número do caso e seu código secreto, ou espere uma hora e tente de novo.
js-status-offline = Não conseguimos nos conectar a { $service }. Verifique sua conexão com a internet e tente de novo.
js-status-failed = Algo deu errado do nosso lado. Tente de novo daqui a alguns minutos.
js-status-received = Enviada em { $date }.
js-status-open = Sua denúncia está ativa.
js-status-withdrawn = Você retirou esta denúncia. Os sites não estão mais procurando estas fotos.
js-status-totals = Desde a sua denúncia: { $matched ->
    [0] nenhuma cópia encontrada
    [one] { $matched } cópia encontrada
   *[other] { $matched } cópias encontradas
}, { $removed ->
    [0] nenhuma removida
    [one] { $removed } removida
   *[other] { $removed } removidas
}, { $blocked ->
    [0] nenhuma tentativa de postagem bloqueada
    [one] { $blocked } tentativa de postagem bloqueada
   *[other] { $blocked } tentativas de postagem bloqueadas
}.
js-status-no-outcomes = Nenhum site informou ainda ter encontrado uma cópia. Isso pode levar um tempo.
js-fingerprint-pdq = Impressão digital de foto
js-fingerprint-vpdq = Impressão digital de vídeo
js-fingerprint-exact = Impressão digital exata
js-state-pending = Aguardando verificação
js-state-listed = Sendo procurada
js-state-withdrawn = Retirada
js-state-suspended = Pausada enquanto verificamos
js-state-not-listed = Não está sendo procurada
js-url-reported = Aguardando verificação
js-url-actionable = Verificado. Vamos pedir ao site que remova a imagem.
js-url-not-actionable = Não conseguimos fazer nada com este link. { $reason }
js-url-no-contact = Verificado. Estamos descobrindo a quem pedir a remoção.
js-url-notice-sent = Em { $date }, pedimos ao site que removesse a imagem.
js-url-still-up = Em { $date }, pedimos ao site que removesse a imagem. Ela continua lá, então estamos pedindo de novo.
js-url-escalated = Em { $date }, pedimos ao site que removesse a imagem. Ela continua lá, então alguém da nossa equipe está cuidando disso.
js-url-removed = O site removeu a imagem em { $date }.
js-url-withdrawn = Retirado
js-outcomes = Encontradas: { $matched } · Removidas: { $removed } · Postagens bloqueadas: { $blocked }
js-withdrawn-done = Sua denúncia foi retirada. Os sites vão parar de procurar estas fotos.
js-withdraw-failed = Não conseguimos retirar sua denúncia agora. Tente de novo daqui a alguns minutos.
