### Les pages de signalement de Takeback, en français : traduit depuis en.ftl.
### Reviewed by a native speaker with safeguarding experience: no
#
# Traduit depuis en.ftl (la source ; lire ses commentaires d'en-tête). Brouillon non relu :
# une ligne d'écoute doit le faire relire avant la mise en ligne.
# On tutoie les jeunes ; on vouvoie les adultes dans la partie « adult ».

## meta

# Le nom de cette langue, dans cette langue : le sélecteur de langue l'affiche.
language-name = Français

## common

common-language = Langue

common-quick-exit = Sortie rapide
common-quick-exit-hint = ou appuie sur Esc
common-skip-to-content = Aller au contenu principal
common-nav-label = Menu principal
common-nav-report = Signaler une photo de moi
common-nav-status = Suivre mon signalement
common-nav-adult = Pour les adultes qui aident
common-no-script = Cette page a besoin de JavaScript pour créer les empreintes sur ton appareil. Active JavaScript ou essaie un autre navigateur. Tes photos ne sont jamais envoyées.
common-footer-privacy = { $service } ne voit jamais tes photos : les empreintes sont créées sur ton appareil. Ce site n'utilise pas de cookies et ne charge rien depuis d'autres sites.
common-step = Étape { $n } sur { $total }
common-continue = Continuer
common-back = Retour
common-case-number = Numéro de dossier
common-case-secret = Code secret
common-copy = Copier le numéro de dossier et le code secret
common-scripts-failed = Cette page ne s'est pas bien chargée, elle ne peut pas encore marcher. Recharge-la, ou réessaie quand ta connexion sera meilleure.
common-history-tip = La sortie rapide t'emmène tout de suite sur un autre site, et le bouton Retour ne te ramènera pas ici. Elle n'efface pas l'historique de ton navigateur : une fenêtre privée laisse moins de traces.

## support

support-title = Parler à quelqu'un
support-intro = Tu n'as pas à affronter ça sans personne. Ces personnes sont bienveillantes, elles ne te jugeront pas, et tu n'as pas besoin de donner ton nom.
support-emergency-question = En danger maintenant ?
support-emergency-call = Appelle le { $number }
support-call = Appelle le { $number }
support-text = Envoie un SMS au { $number }
support-website = { $name } : site web (s'ouvre dans un nouvel onglet)
support-hours = Ouvert : { $hours }
support-threat-title = Quelqu'un menace de partager une photo de toi ?
support-threat =
    .p1 = Ce n'est pas ta faute. C'est cette personne qui fait quelque chose de mal, et elle compte sur ta peur pour que tu n'en parles à personne.
    .p2 = Arrête de répondre. Ne paie pas et n'envoie plus rien : ça ne la fera pas arrêter.
    .p3 = Ne supprime pas les messages ni le nom de son compte. Tu n'as pas besoin de les relire.
    .p4 = Si tu as déjà payé ou envoyé autre chose, ce n'est toujours pas ta faute, et tu peux quand même recevoir de l'aide.
    .p5 = Parles-en à un adulte en qui tu as confiance, et signale-le.
support-report-to = Tu peux signaler les menaces et la manipulation (grooming) à :
# Shown when the hotline has help contacts for more than one country; { $country } is the
# country's name, as the hotline writes it.
support-country = { $country } : trouver de l'aide
support-country-other = Tu es ailleurs ?

## index

index-title = Reprends le contrôle sur une photo de toi
index-lead = Si une photo ou une vidéo intime ou sexuelle de toi a été partagée, ou si quelqu'un menace de la partager, tu peux aider à empêcher qu'elle circule. Tu n'auras jamais à la montrer à personne.
index-not-your-fault = Ce n'est pas ta faute, quoi qu'il se soit passé. Demander de l'aide ne va pas t'attirer d'ennuis.
index-young-title = C'est une photo de moi
index-young-text = Si tu avais moins de 18 ans sur la photo. Crée ses empreintes sur ce téléphone ou cet ordinateur, et envoie seulement les empreintes. La photo ne quitte pas ton appareil.
index-adult-title = Je suis adulte et j'aide un enfant ou un ado
index-adult-text = Que faire, et ne pas faire, quand un enfant ou un ado vous parle d'une image ; et comment signaler où vous l'avez vue.
index-status-title = J'ai déjà fait un signalement
index-status-text = Avec ton numéro de dossier et ton code secret, regarde où en est ton signalement, ou retire-le.
index-how-title = Comment ça marche
index-how =
    .p1 = Cette page crée une empreinte de ta photo, directement sur ton appareil. Une empreinte, c'est un code calculé à partir de la photo. On ne peut pas retransformer ce code en photo.
    .p2 = Seules les empreintes sont envoyées à { $service }. La photo ne quitte jamais ton appareil.
    .p3 = Les sites et applis partenaires de { $service } utilisent les empreintes pour trouver les copies, les supprimer et empêcher qu'elles soient remises en ligne.
    .p4 = Tous les sites ne travaillent pas avec nous, et les messageries privées chiffrées ne peuvent pas être vérifiées. Mais chaque site qui vérifie, ça aide.

## report

report-title = Signaler une photo de moi
report-intro-title = Avant de commencer
report-intro =
    .p1 = Ce n'est pas ta faute. Quoi qu'il se soit passé, tu n'auras pas d'ennuis, et tu as droit à de l'aide.
    .p2 = Ta photo reste sur cet appareil. Elle n'est jamais envoyée et personne ne la voit : ni nous, ni les sites.
    .p3 = Cette page crée une empreinte de chaque photo que tu choisis : un code calculé à partir de la photo, qu'on ne peut pas retransformer en photo.
    .p4 = On partage les empreintes avec les sites et applis partenaires de { $service }, pour qu'ils puissent trouver les copies, les supprimer et empêcher qu'elles soient remises en ligne.
    .p5 = Pour être honnêtes avec toi : tous les sites ne travaillent pas avec nous, et les messageries privées chiffrées ne peuvent pas être vérifiées. Ça aide quand même.
    .p6 = Tu recevras un numéro de dossier et un code secret. Avec eux, tu pourras voir ce qui s'est passé, ou changer d'avis et retirer ton signalement.
report-confirm-legend = Vérifie ces deux points
report-confirm-under-18 = La personne sur la photo avait moins de 18 ans quand elle a été prise.
report-confirm-under-18-error = Coche cette case si la personne sur la photo avait moins de 18 ans. Si elle avait 18 ans ou plus, ce service ne peut pas prendre le signalement, mais les personnes de « Parler à quelqu'un » peuvent quand même t'aider.
report-confirm-consent = J'accepte que { $service } partage les empreintes avec ses sites et applis partenaires.
report-confirm-consent-error = Coche cette case pour qu'on puisse partager les empreintes. Sinon, on ne peut pas envoyer ton signalement.
report-pictures-title = Choisis les photos
report-pictures-intro = Choisis les photos sur ce téléphone ou cet ordinateur. Elles ne seront pas envoyées : les empreintes sont créées ici, sur ton appareil. On affiche seulement leur nom, pas les photos.
report-pictures-videos = Ça marche avec les photos et les vidéos. Pour une vidéo, la page crée une empreinte par seconde. Une longue vidéo peut prendre quelques minutes, mais elle ne quitte jamais ton appareil.
report-pictures-label = Choisir des photos ou des vidéos
report-pictures-hint = { $max ->
    [1] Tu peux choisir une photo ou une vidéo.
    [one] Tu peux choisir { $max } photo ou vidéo.
   *[other] Tu peux choisir jusqu'à { $max } photos ou vidéos.
}
report-pictures-list = Tes photos
report-no-picture = Je n'ai pas la photo, seulement l'endroit où je l'ai vue
report-urls-title = Où l'as-tu vue ? (facultatif)
report-urls-intro = Si tu connais l'adresse web (URL) où la photo a été publiée, ajoute-la ici, une par ligne. Ne pars pas la chercher si ça risque de te faire du mal. Tu peux laisser vide.
report-urls-label = Adresses web
report-urls-hint = Chacune commence par https:// ou http://. { $max ->
    [1] Tu peux en ajouter une.
    [one] Tu peux en ajouter { $max }.
   *[other] Tu peux en ajouter jusqu'à { $max }.
}
report-check-title = Vérifier et envoyer
report-check-intro = On va envoyer les empreintes de ces photos, les adresses web que tu as ajoutées et tes deux réponses. Jamais les photos, ni ton nom, ni rien qui dise qui tu es.
report-check-pictures = Photos
report-check-urls = Adresses web
report-check-codes = Voir les empreintes qui seront envoyées
report-send = Envoyer les empreintes
report-done-title = Ton signalement a été envoyé
report-done-intro = Merci. C'était courageux.
report-keep-safe = Garde-les dans un endroit sûr et privé : note-les, ou enregistre-les là où personne d'autre que toi ne peut les voir. Tu as besoin des deux pour suivre ton signalement ou le retirer. C'est la seule fois où on peut t'afficher le code secret : on n'en garde aucune copie.
report-next-title = Et maintenant ?
report-next =
    .p1 = Les sites et applis partenaires de { $service } reçoivent les empreintes et cherchent les copies.
    .p2 = Reviens quand tu veux pour voir ce qu'ils ont trouvé et supprimé.
    .p3 = Si tu changes d'avis, tu peux retirer ton signalement.
report-check-status = Suivre mon signalement

## status

status-title = Suivre mon signalement
status-intro = Entre le numéro de dossier et le code secret reçus quand tu as envoyé ton signalement. Majuscules, minuscules, espaces et tirets : peu importe.
status-case-hint = Par exemple ABCD-EFGH-JK12
status-secret-hint = Par exemple ABCDE-FGH12-JKMNP-QRSTV
status-show = Voir mon signalement
status-result-title = Ton signalement
status-fingerprints = Empreintes
status-urls = Adresses web
status-withdraw-title = Retirer mon signalement
status-withdraw-text = Si tu le retires, les sites arrêtent de chercher ces photos. Tu pourras les signaler à nouveau quand tu veux.
status-withdraw = Retirer mon signalement
status-withdraw-confirm-title = Retirer ton signalement ?
status-withdraw-confirm-text = Les sites et applis arrêteront de chercher ces photos. Tu pourras toujours les signaler à nouveau.
status-withdraw-yes = Oui, le retirer
status-withdraw-no = Non, le garder

## adult

adult-title = Si un enfant ou un ado vous a parlé d'une image
adult-intro = Merci de votre aide. Votre réaction maintenant compte : restez calme, écoutez, et dites-lui clairement que ce n'est pas sa faute.
adult-do-title = À faire
adult-do =
    .p1 = Écoutez calmement, à son rythme, sans l'interrompre. Dites-lui merci de vous en avoir parlé.
    .p2 = Dites-lui que ce n'est pas sa faute et qu'il n'y aura pas de punition.
    .p3 = Suivez la procédure de protection de l'enfance de votre structure, et prévenez la personne référente pour la protection de l'enfance.
    .p4 = Notez l'adresse web (URL) où l'image a été vue, et l'appli ou le site, au lieu de garder l'image.
    .p5 = Pensez à tous les enfants concernés, y compris ceux qui l'ont reçue ou transférée.
adult-dont-title = À ne pas faire
adult-dont =
    .p1 = Ne demandez pas à voir l'image, et ne la regardez pas si on vous la montre.
    .p2 = Ne la copiez pas, ne faites pas de capture d'écran, ne l'enregistrez pas, ne la transférez pas et ne l'imprimez pas, même pour la montrer à un collègue ou à la police. La détenir ou la partager peut être une infraction, et chaque copie est un risque de plus pour l'enfant.
    .p3 = N'essayez pas de retrouver vous-même d'où vient l'image.
    .p4 = Ne faites pas de reproches, et ne menacez pas de confisquer son téléphone ou de lui interdire internet : sinon, la prochaine fois, les enfants n'oseront plus en parler aux adultes.
    .p5 = Ne parlez de ce que vous savez qu'aux personnes chargées de la protection de l'enfance.
adult-fingerprint-title = L'enfant peut créer les empreintes de l'image sur son propre appareil
adult-fingerprint =
    .p1 = Sur son téléphone ou son ordinateur, l'enfant ouvre la page « Signaler une photo de moi » de ce site. Les empreintes sont créées sur place ; la photo ne quitte jamais son appareil et personne ne la voit.
    .p2 = Vous pouvez rester à ses côtés pendant ce temps, sans regarder la photo.
    .p3 = L'enfant reçoit son propre numéro de dossier et son code secret, pour suivre son signalement ou le retirer.
adult-fingerprint-link = Signaler une photo de moi
adult-report-title = Signaler où vous l'avez vue
adult-report-intro = Envoyez-nous les adresses web où l'image a été vue. Nous ne demandons jamais l'image aux adultes, il n'y a donc rien à envoyer ici : la détenir ou l'envoyer peut être une infraction, et chaque copie fait à nouveau du mal à l'enfant.
adult-urls-label = Adresses web
adult-urls-hint = Une par ligne, chacune commençant par https:// ou http://. { $max ->
    [1] Une seule.
    [one] { $max } au maximum.
   *[other] Jusqu'à { $max }.
}
adult-confirm-legend = Merci de confirmer
adult-confirm-under-18 = L'enfant sur l'image a moins de 18 ans, ou avait moins de 18 ans quand elle a été prise.
adult-confirm-under-18-error = Cochez cette case si l'enfant avait moins de 18 ans. Ce service ne peut traiter que les images de mineurs.
adult-confirm-consent = J'accepte que { $service } partage ces adresses avec ses sites et applis partenaires, pour qu'ils puissent retirer l'image.
adult-confirm-consent-error = Cochez cette case pour que nous puissions transmettre les adresses.
adult-send = Envoyer les adresses web
adult-done-title = Merci : les adresses web ont été envoyées
adult-keep-safe = Gardez le numéro de dossier et le code secret en lieu sûr si vous voulez suivre le signalement plus tard. C'est la seule fois où nous pouvons afficher le code secret.
adult-danger-title = Si un enfant est en danger, ou subit des menaces ou du chantage
adult-danger = Appelez le { $emergency } si un enfant est en danger immédiat.
adult-danger-report = Signalez la manipulation (grooming), les menaces ou le chantage sexuel (sextorsion) à :
adult-adult-help = Conseils pour les adultes inquiets pour un enfant :

## not_found

not-found-title = Page introuvable
not-found-text = Il n'y a rien à cette adresse.
not-found-home = Aller à la page d'accueil

## js

js-file-working = Création de l'empreinte…
js-file-ready = Empreinte prête
js-file-exact-only = Cette photo a peu de détails, donc on peut seulement créer une empreinte qui trouve ses copies exactes. On l'enverra quand même.
js-file-unreadable = Impossible de créer une empreinte de ce fichier, donc rien ne sera envoyé pour lui. Ce navigateur ne sait peut-être pas ouvrir ce type de fichier, ou il est peut-être abîmé. Si tu as choisi d'autres photos, elles ne posent pas de problème.
js-file-duplicate = C'est le même fichier qu'un de ceux que tu as déjà choisis : son empreinte ne sera envoyée qu'une fois.
js-file-failed = Un problème est survenu en créant l'empreinte de ce fichier, donc rien ne sera envoyé pour lui. Si tu as choisi d'autres photos, elles ne posent pas de problème.
js-remove = Retirer
js-file-remove = Retirer { $name }
js-video-waiting = En attente de la vidéo précédente…
js-video-working = Création des empreintes de cette vidéo. Elle reste sur ton appareil.
js-video-progress = Avancement des empreintes de { $name }
js-video-stop = Arrêter
js-video-stop-label = Arrêter et retirer { $name }
js-video-ready = Empreintes de la vidéo prêtes
js-video-exact-only = Cette vidéo a peu de détails (elle est peut-être très sombre), donc on peut seulement créer une empreinte qui trouve ses copies exactes. On l'enverra quand même.
js-video-too-long = Cette vidéo dure plus { $minutes ->
    [1] d'une minute
    [one] de { $minutes } minute
   *[other] de { $minutes } minutes
} : c'est trop long pour créer ses empreintes sur cet appareil, donc rien ne sera envoyé pour elle. Tu n'as rien fait de mal. Si tu sais où elle a été publiée, ajoute l'adresse web à l'étape suivante, et on s'occupera de la faire retirer. Tu peux aussi parler à quelqu'un : les contacts sont plus bas.
js-video-too-large = Ce fichier vidéo est trop lourd pour créer ses empreintes sur cet appareil, donc rien ne sera envoyé pour lui. Tu n'as rien fait de mal. Si tu sais où la vidéo a été publiée, ajoute l'adresse web à l'étape suivante, et on s'occupera de la faire retirer. Tu peux aussi parler à quelqu'un : les contacts sont plus bas.
js-video-unreadable = Ce navigateur ne peut pas ouvrir cette vidéo, donc rien ne sera envoyé pour elle. Tu peux essayer un autre navigateur ou, si tu sais où elle a été publiée, ajouter l'adresse web à l'étape suivante. Tu peux aussi parler à quelqu'un : les contacts sont plus bas.
js-video-codes = { $count ->
    [one] { $count } empreinte vidéo
   *[other] { $count } empreintes vidéo
}
js-videos-too-many = { $max ->
    [1] Tu peux envoyer une seule vidéo par signalement.
    [one] Tu peux envoyer { $max } vidéo par signalement.
   *[other] Tu peux envoyer jusqu'à { $max } vidéos par signalement.
} Envoie les autres dans un deuxième signalement.
js-pictures-none = Choisis au moins une photo pour continuer.
js-pictures-none-usable = Aucun des fichiers choisis ne peut être envoyé. Essaie de choisir à nouveau les photos, ou parle à quelqu'un (contacts plus bas).
js-pictures-too-many = { $max ->
    [1] Tu peux envoyer une seule photo par signalement.
    [one] Tu peux envoyer { $max } photo par signalement.
   *[other] Tu peux envoyer jusqu'à { $max } photos par signalement.
} Envoie les autres dans un deuxième signalement.
js-pictures-busy = Attends que les empreintes soient prêtes.
js-urls-bad-line = La ligne { $line } ne ressemble pas à une adresse web. Elle doit commencer par https:// ou http://.
js-urls-too-many = { $max ->
    [1] Tu peux ajouter une seule adresse web.
    [one] Tu peux ajouter { $max } adresse web.
   *[other] Tu peux ajouter jusqu'à { $max } adresses web.
}
js-urls-too-long = La ligne { $line } est trop longue pour être une adresse web.
js-urls-none = Ajoute au moins une adresse web.
js-none = Aucune
js-sending = Envoi en cours…
js-send-throttled = Beaucoup de signalements sont venus de cette connexion dans la dernière heure, alors on ne peut pas en accepter un autre pour l'instant. Réessaie dans une heure. Rien n'a été envoyé.
js-send-rejected = On ne peut pas accepter ce signalement tel quel. Reviens en arrière pour vérifier ce que tu as saisi, ou parle à quelqu'un (contacts plus bas).
js-send-failed = On n'a pas pu envoyer ton signalement. Rien n'a été envoyé : réessaie dans un instant.
js-send-offline = Impossible de joindre { $service }. Vérifie ta connexion internet et réessaie. Rien n'a été envoyé.
js-copied = Copié. Garde-les dans un endroit sûr.
js-copy-failed = Impossible de copier ici. Note-les plutôt.
js-status-loading = Recherche de ton signalement…
js-status-not-found = On n'a trouvé aucun signalement avec ce numéro de dossier et ce code secret. Vérifie les deux et réessaie.
js-status-missing = Entre le numéro de dossier et le code secret.
js-status-throttled = Il y a eu trop d'essais incorrects depuis cette connexion ou avec ce numéro de dossier. Vérifie bien ton numéro de dossier et ton code secret, ou attends une heure et réessaie.
js-status-offline = Impossible de joindre { $service }. Vérifie ta connexion internet et réessaie.
js-status-failed = Un problème est survenu de notre côté. Réessaie dans quelques minutes.
js-status-received = Envoyé le { $date }.
js-status-open = Ton signalement est actif.
js-status-withdrawn = Tu as retiré ce signalement. Les sites ne cherchent plus ces photos.
js-status-totals = Depuis ton signalement : { $matched ->
    [0] aucune copie trouvée
    [one] { $matched } copie trouvée
   *[other] { $matched } copies trouvées
}, { $removed ->
    [0] aucune supprimée
    [one] { $removed } supprimée
   *[other] { $removed } supprimées
}, { $blocked ->
    [0] aucune remise en ligne bloquée
    [one] { $blocked } remise en ligne bloquée
   *[other] { $blocked } remises en ligne bloquées
}.
js-status-no-outcomes = Aucun site n'a encore signalé avoir trouvé de copie. Ça peut prendre du temps.
js-fingerprint-pdq = Empreinte de photo
js-fingerprint-vpdq = Empreinte de vidéo
js-fingerprint-exact = Empreinte exacte
js-state-pending = En attente de vérification
js-state-listed = Recherche en cours
js-state-withdrawn = Retirée
js-state-suspended = En pause, le temps qu'on vérifie
js-state-not-listed = Non recherchée
js-url-reported = En attente de vérification
js-url-actionable = Vérification faite. On va demander au site de retirer le contenu.
js-url-not-actionable = On n'a pas pu agir sur cette adresse. { $reason }
js-url-no-contact = Vérification faite. On cherche à qui demander le retrait.
js-url-notice-sent = On a demandé au site de retirer le contenu le { $date }.
js-url-still-up = On a demandé au site de retirer le contenu le { $date }. Il est toujours en ligne, alors on redemande.
js-url-escalated = On a demandé au site de retirer le contenu le { $date }. Il est toujours en ligne, alors une personne de notre équipe s'en occupe.
js-url-removed = Le site a retiré le contenu le { $date }.
js-url-withdrawn = Retirée
js-outcomes = Copies trouvées : { $matched } · Supprimées : { $removed } · Remises en ligne bloquées : { $blocked }
js-withdrawn-done = Ton signalement a été retiré. Les sites vont arrêter de chercher ces photos.
js-withdraw-failed = On n'a pas pu retirer ton signalement pour l'instant. Réessaie dans quelques minutes.
